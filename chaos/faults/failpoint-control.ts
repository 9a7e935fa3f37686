// Arms and disarms failpoints in running yawl members through each member's control endpoint
// (YAWL_FAILPOINTS_HTTP, see store/failpoints/http.ts). The endpoint exists only when a chaos run asks for it.

export class FailpointControl {
  /** Member name -> http://127.0.0.1:port of its failpoint endpoint. */
  constructor(private readonly endpoints: ReadonlyMap<string, string>) {}

  async arm(member: string, name: string, term: string): Promise<void> {
    await this.send(member, name, 'PUT', term);
  }

  /** Disarms; a member that is down has nothing armed (failpoints never survive a restart). */
  async disarm(member: string, name: string): Promise<void> {
    try {
      await this.send(member, name, 'DELETE');
    } catch {
      // down or dying: nothing to disarm
    }
  }

  private async send(member: string, name: string, method: 'PUT' | 'DELETE', body?: string): Promise<void> {
    const base = this.endpoints.get(member);
    if (!base) throw new Error(`member ${member} has no failpoint endpoint`);
    const response = await fetch(`${base}/${encodeURIComponent(name)}`, { method, body, signal: AbortSignal.timeout(3_000) });
    if (!response.ok) throw new Error(`failpoint ${name} on ${member}: HTTP ${response.status} ${(await response.text()).trim()}`);
  }
}
