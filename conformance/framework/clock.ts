import { NotRun } from './violation.js';

/**
 * Moves time on the server under test. With a clock control URL (the reference server's
 * `/__clock`, or the vendor's equivalent) time jumps; without one, a check that may wait in real
 * time (`slow` checks with slow runs allowed) sleeps, and any other is not run.
 */
export class ClockControl {
  constructor(
    readonly url: string | undefined,
    readonly allowRealWait: boolean,
  ) {}

  get controllable(): boolean {
    return !!this.url;
  }

  async now(): Promise<Date> {
    if (!this.url) return new Date();
    const res = await fetch(this.url, { signal: AbortSignal.timeout(10_000) });
    const body: any = await res.json();
    return new Date(body.now);
  }

  /** Moves the server's clock forward by `seconds` (or waits that long where allowed). */
  async advance(seconds: number): Promise<void> {
    if (this.url) {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: seconds }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new NotRun(`the test clock at ${this.url} refused to advance: ${res.status}`);
      return;
    }
    if (!this.allowRealWait) throw new NotRun(`needs ${seconds}s to pass: give --clock-url, or allow real waits with --slow`);
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }
}
