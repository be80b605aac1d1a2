/**
 * Moments when one check has the server to itself. A check that stages a race (writes sent at the same moment, or
 * a little apart) asks for one: the requests of other checks already on their way are answered first, new ones
 * wait until the race has been answered. Without this the server's answer times are set by whatever else the run
 * has in flight, and a staged window (one write landing between another's read and its write) is missed by chance.
 *
 * A quiet moment holds nothing but HTTP requests: it must not wait for a clock move (a move waits for checks that
 * are held here, see clock-turns.ts).
 */
import { CheckAborted } from './violation.js';

/** Resolves on the next `notify()`; rejects with CheckAborted when `signal` aborts first. */
function next(changed: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CheckAborted());
  if (!signal) return changed;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CheckAborted());
    signal.addEventListener('abort', onAbort, { once: true });
    changed.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

export class QuietServer {
  /** Requests on their way, by the check that sent them. */
  private readonly inflight = new Map<object, number>();
  private holder: object | undefined;
  private changed!: Promise<void>;
  private notifyAll!: () => void;

  constructor() {
    this.renew();
  }

  private renew(): void {
    this.changed = new Promise((resolve) => (this.notifyAll = resolve));
  }

  private notify(): void {
    const notifyAll = this.notifyAll;
    this.renew();
    notifyAll();
  }

  private othersIdle(who: object): boolean {
    for (const [k, n] of this.inflight) if (k !== who && n > 0) return false;
    return true;
  }

  /**
   * Before a request of check `who` goes out: waits while another check has the server quiet. Resolves to the
   * function to call once the answer has been read (or lost).
   */
  async enter(who: object, signal?: AbortSignal): Promise<() => void> {
    while (this.holder && this.holder !== who) await next(this.changed, signal);
    this.inflight.set(who, (this.inflight.get(who) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.inflight.get(who) ?? 1) - 1;
      if (n > 0) this.inflight.set(who, n);
      else this.inflight.delete(who);
      this.notify();
    };
  }

  /**
   * Waits until no other check has a request on its way, then keeps the others' new requests back until the
   * function it resolves to is called. One check at a time; a check that has the moment already gets it again.
   */
  async acquire(who: object, signal?: AbortSignal): Promise<() => void> {
    if (this.holder === who) return () => {};
    while (this.holder) await next(this.changed, signal);
    this.holder = who;
    const release = () => {
      if (this.holder !== who) return;
      this.holder = undefined;
      this.notify();
    };
    try {
      while (!this.othersIdle(who)) await next(this.changed, signal);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }
}
