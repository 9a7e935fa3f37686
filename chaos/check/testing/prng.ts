// Seeded randomness (the project's one PRNG) so that randomized tests are the same on every run and a failing
// seed can be replayed.
import { SeededRand } from '../../../store/raft/rand.js';

export type Random = () => number;

export function seededRandom(seed: number): Random {
  const rand = new SeededRand(seed);
  return () => rand.float();
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
