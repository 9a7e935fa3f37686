// Flow control for one follower: the last index of each append message in flight, oldest first. The leader
// stops sending when the window is full and frees slots as acknowledgements arrive.
export class Inflights {
  private readonly buf: number[] = [];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  add(lastIndex: number): void {
    this.buf.push(lastIndex);
  }

  /** Free every message whose last index is <= to. */
  freeLE(to: number): void {
    let i = 0;
    while (i < this.buf.length && this.buf[i]! <= to) i++;
    if (i > 0) this.buf.splice(0, i);
  }

  freeFirstOne(): void {
    this.buf.shift();
  }

  full(): boolean {
    return this.buf.length >= this.size;
  }

  count(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf.length = 0;
  }
}
