/**
 * Moments when checks staging races have the server (the run keeps one QuietServer per API: its API) to
 * themselves. A check that stages a race (writes sent at the same moment, or a little apart) asks for one: the
 * requests of other checks already on their way are answered first, new ones wait until the race has been answered.
 * Without this the server's answer times are set by whatever else the run has in flight, and a staged window (one
 * write landing between another's read and its write) is missed by chance. Checks that ask while those requests are
 * being answered share the moment (a few writes of other races beside one's own, instead of every check of the run;
 * each asking for a moment of its own would make the run wait for one moment after another).
 *
 * A quiet moment is a best effort, never a condition of a verdict, and it never holds the run up for long:
 * - a check's part in it ends as soon as the check waits for the server's time (a clock move waits for checks held
 *   back here, see clock-turns.ts; a real-time wait would keep the others back for nothing): the runner calls `end`;
 * - it lasts at most `maxMs` (the run's --timeout, within which every request is answered or given up): after that
 *   the others go on, and other checks may have their moment. Its checks go on too: a check's requests are never held
 *   back by another's moment between its `acquire` and its `end`, or the second write of its race, sent a little
 *   after the first, would land after the first had been answered, and the race would be missed.
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

/** Checks that have the server quiet together: those that asked while the others' requests were being answered. */
interface Moment {
  members: Set<object>;
  /** Still taking checks that ask: until the others' requests on their way have been answered. */
  open: boolean;
  until: number;
}

export class QuietServer {
  /** Requests on their way, by the check that sent them. */
  private readonly inflight = new Map<object, number>();
  private moment: Moment | undefined;
  /** Checks between their `acquire` and their `end`, whether or not their moment is still on. */
  private readonly racing = new Set<object>();
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

  /** The quiet moment on, if one is and it has not run out. */
  private current(): Moment | undefined {
    if (this.moment && (Date.now() >= this.moment.until || !this.moment.members.size)) this.moment = undefined;
    return this.moment;
  }

  private othersIdle(members: Set<object>): boolean {
    for (const [k, n] of this.inflight) if (!members.has(k) && n > 0) return false;
    return true;
  }

  /** Whether a request of check `who` would wait now (a quiet moment of other checks is on). */
  holdsBack(who: object): boolean {
    const m = this.current();
    return !!m && !m.members.has(who) && !this.racing.has(who);
  }

  /**
   * Before a request of check `who` goes out: waits while a quiet moment of other checks is on. Resolves to the
   * function to call once the answer has been read (or lost).
   */
  async enter(who: object, signal?: AbortSignal): Promise<() => void> {
    for (let m = this.current(); m && !m.members.has(who) && !this.racing.has(who); m = this.current()) await next(this.changed, m.until - Date.now(), signal);
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
   * Waits for a quiet moment of check `who`: no request of a check outside the moment on its way (for at most
   * `maxMs`). Checks that ask while a moment waits for the others' requests to be answered share it; once it has
   * begun, they wait for it to end. Other checks' new requests wait until every check of the moment has called
   * `end` (or `maxMs` after it began).
   */
  async acquire(who: object, signal?: AbortSignal): Promise<void> {
    if (this.current()?.members.has(who)) return;
    let m = this.current();
    for (; m && !m.open; m = this.current()) await next(this.changed, m.until - Date.now(), signal);
    if (!m) m = this.moment = { members: new Set(), open: true, until: Date.now() + this.maxMs };
    m.members.add(who);
    this.racing.add(who);
    try {
      while (this.moment === m && m.open && !this.othersIdle(m.members) && Date.now() < m.until) await next(this.changed, m.until - Date.now(), signal);
    } catch (err) {
      this.end(who);
      throw err;
    }
    if (m.open) {
      m.open = false;
      this.notify();
    }
  }

  /** Ends check `who`'s part in the quiet moment, if it has one: the moment ends with the last of its checks. */
  end(who: object): void {
    this.racing.delete(who);
    if (!this.moment?.members.delete(who)) return;
    if (!this.moment.members.size) this.moment = undefined;
    this.notify();
  }
}
