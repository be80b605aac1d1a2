/**
 * Moments when one check has the server to itself. A check that stages a race (writes sent at the same moment, or
 * a little apart) asks for one: the requests of other checks already on their way are answered first, new ones
 * wait until the race has been answered. Without this the server's answer times are set by whatever else the run
 * has in flight, and a staged window (one write landing between another's read and its write) is missed by chance.
 *
 * A quiet moment is a best effort, never a condition of a verdict, and it never holds the run up for long:
 * - it ends as soon as its check waits for the server's time (a clock move waits for checks held back here, see
 *   clock-turns.ts; a real-time wait would keep the others back for nothing): the runner calls `end`;
 * - it lasts at most `maxMs` (the run's --timeout, within which every request is answered or given up): after that
 *   the others go on, and another check may have its moment.
 */
import { CheckAborted } from './violation.js';

/** Resolves on the next change or after `ms`; rejects with CheckAborted when `signal` aborts first. */
function next(changed: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CheckAborted());
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new CheckAborted());
    };
    const timer = setTimeout(() => (done(), resolve()), Math.max(1, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    changed.then(() => (done(), resolve()));
  });
}

export class QuietServer {
  /** Requests on their way, by the check that sent them. */
  private readonly inflight = new Map<object, number>();
  private holder: { who: object; until: number } | undefined;
  private changed!: Promise<void>;
  private notifyAll!: () => void;

  constructor(private readonly maxMs: number) {
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

  /** The check whose moment it is, if its moment has not run out. */
  private current(): { who: object; until: number } | undefined {
    if (this.holder && Date.now() >= this.holder.until) this.holder = undefined;
    return this.holder;
  }

  private othersIdle(who: object): boolean {
    for (const [k, n] of this.inflight) if (k !== who && n > 0) return false;
    return true;
  }

  /** Whether a request of check `who` would wait now (another check has its moment). */
  holdsBack(who: object): boolean {
    const h = this.current();
    return !!h && h.who !== who;
  }

  /**
   * Before a request of check `who` goes out: waits while another check has its moment. Resolves to the function
   * to call once the answer has been read (or lost).
   */
  async enter(who: object, signal?: AbortSignal): Promise<() => void> {
    for (let h = this.current(); h && h.who !== who; h = this.current()) await next(this.changed, h.until - Date.now(), signal);
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
   * Waits for the moment of check `who`: no other check's moment on, and no other check's request on its way
   * (for at most `maxMs`). Other checks' new requests wait until `end(who)` (or `maxMs` after the moment began).
   */
  async acquire(who: object, signal?: AbortSignal): Promise<void> {
    if (this.current()?.who === who) return;
    for (let h = this.current(); h; h = this.current()) await next(this.changed, h.until - Date.now(), signal);
    const moment = { who, until: Date.now() + this.maxMs };
    this.holder = moment;
    try {
      while (this.holder === moment && !this.othersIdle(who) && Date.now() < moment.until) await next(this.changed, moment.until - Date.now(), signal);
    } catch (err) {
      this.end(who);
      throw err;
    }
  }

  /** Ends the moment of check `who`, if it has one. */
  end(who: object): void {
    if (this.holder?.who !== who) return;
    this.holder = undefined;
    this.notify();
  }
}
