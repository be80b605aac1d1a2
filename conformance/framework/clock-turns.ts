/**
 * Clock moves shared by checks that run at the same time with a test clock. A check that moves the clock does not
 * move it itself: it parks until every other check that could be disturbed by a move has parked too (or ended),
 * and then the clock is moved once, to the earliest time any parked check asked for, and the checks that asked for
 * it go on. So each such check sees the server's time move only while it waits in its own `advance`, and by exactly
 * what it asked for; and many checks that each move the clock overlap their requests instead of taking turns.
 *
 * Members are of two kinds:
 * - strict ('reads', 'moves'): no move is made while one of them is running (not parked);
 * - loose ('advances'): a move may happen while it runs (it judges nothing a sooner or further move changes), but
 *   its own moves wait for the strict members like any other.
 * A check that never involves time ('none') is not a member. A member waiting for test data another check holds
 * stands aside (`aside`): it holds back no move, since the check it waits for may itself wait for one.
 */
import type { ClockControl } from './clock.js';
import { CheckAborted } from './violation.js';
import type { Exchange } from './types.js';

interface Parked {
  /** In ms of moves made through these turns since the run started. */
  target: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface ClockMember {
  /** Parks until the clock has moved `seconds` on from now (as this check saw it); rejects when `signal` aborts. */
  park(seconds: number, signal?: AbortSignal): Promise<void>;
  /** How long the check has waited for its turns so far, the wait going on included: the runner does not count it against its budget. */
  parkedMs(): number;
  /**
   * Runs `wait` (a wait for another check) standing aside: moves may be made meanwhile, as if the check were parked
   * with nothing to ask for; once it is over, the check goes on only after a move on its way has been made.
   */
  aside<T>(wait: () => Promise<T>): Promise<T>;
  leave(): void;
}

interface Member {
  strict: boolean;
  record: (exchange: Exchange) => void;
  /** Its waits for the clock (more than one when work of the check moves the clock beside its own steps). */
  parked: Parked[];
  /** How many waits for other checks it stands aside in (it holds back no move meanwhile). */
  aside: number;
  /** Ms waited in turns that have ended; and since when it waits now, if it does. */
  waited: number;
  waitingSince?: number;
}

/** Adds or removes one of a member's waits, keeping its waited time (a member waits while any of its waits is on). */
function setParked(member: Member, change: () => void): void {
  const before = member.parked.length;
  change();
  if (!before && member.parked.length) member.waitingSince = Date.now();
  if (before && !member.parked.length && member.waitingSince !== undefined) {
    member.waited += Date.now() - member.waitingSince;
    member.waitingSince = undefined;
  }
}

export class ClockTurns {
  /** Ms moved through these turns so far: a parked check's target is this plus what it asked for. */
  private moved = 0;
  private readonly members = new Set<Member>();
  /** The target of the move on its way, if one is. */
  private moving: number | undefined;
  private afterMove: Array<() => void> = [];
  private readonly moveListeners: Array<() => void> = [];

  /** `mover` makes the moves (the run's clock, no check's signal). */
  constructor(private readonly mover: ClockControl) {}

  /** Calls `listener` after each move: checks held back while others waited for it may start now. */
  onMove(listener: () => void): void {
    this.moveListeners.push(listener);
  }

  /**
   * A check joins before it starts; when a move is on its way, once it has been made (a check that started during a
   * move could see the clock jump between its first steps).
   */
  async join(strict: boolean, record: (exchange: Exchange) => void): Promise<ClockMember> {
    const member: Member = { strict, record, parked: [], aside: 0, waited: 0 };
    this.members.add(member);
    if (this.moving) await new Promise<void>((resolve) => this.afterMove.push(resolve));
    return {
      park: (seconds, signal) => this.park(member, seconds, signal),
      parkedMs: () => member.waited + (member.waitingSince === undefined ? 0 : Date.now() - member.waitingSince),
      aside: async (wait) => {
        member.aside++;
        this.pump();
        try {
          return await wait();
        } finally {
          member.aside--;
          if (this.moving !== undefined) await new Promise<void>((resolve) => this.afterMove.push(resolve));
        }
      },
      leave: () => {
        const left: Parked[] = [];
        setParked(member, () => left.push(...member.parked.splice(0)));
        for (const p of left) p.reject(new CheckAborted());
        this.members.delete(member);
        this.pump();
      },
    };
  }

  /**
   * Whether a check waits for the clock: a check that would hold the next move back (strict) should not start now,
   * or a stream of short checks that never move the clock could keep those waiting from ever going on.
   */
  someoneWaits(): boolean {
    return this.moving !== undefined || [...this.members].some((m) => m.parked.length > 0);
  }

  private park(member: Member, seconds: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CheckAborted());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = member.parked.indexOf(parked);
        if (at < 0) return;
        setParked(member, () => member.parked.splice(at, 1));
        reject(new CheckAborted());
        this.pump();
      };
      const parked: Parked = {
        // From the time as it will be once a move on its way (for others, while this check ran: a loose member) is made.
        target: (this.moving ?? this.moved) + Math.max(0, Math.round(seconds * 1000)),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      setParked(member, () => member.parked.push(parked));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  /** Moves the clock when no strict member is running, to the earliest target, and releases those that asked for it. */
  private pump(): void {
    if (this.moving !== undefined) return;
    const members = [...this.members];
    const parked = members.flatMap((m) => m.parked);
    if (!parked.length || members.some((m) => m.strict && !m.parked.length && !m.aside)) return;
    const target = Math.min(...parked.map((p) => p.target));
    const due = members.flatMap((m) => m.parked.filter((p) => p.target === target).map((p) => ({ m, p })));
    const release = (error?: unknown) => {
      for (const { m, p } of due) {
        const at = m.parked.indexOf(p);
        if (at < 0) continue; // aborted meanwhile
        setParked(m, () => m.parked.splice(at, 1));
        if (error === undefined) p.resolve();
        else p.reject(error);
      }
    };
    const step = target - this.moved;
    if (step <= 0) {
      release();
      queueMicrotask(() => this.pump());
      return;
    }
    this.moving = target;
    // Every check in flight that involves time sees the move in its transcript: its replay moves the clock as the run did.
    const witnesses = members.map((m) => m.record);
    const clock = this.mover.forCheck({ onExchange: (ex) => witnesses.forEach((record) => record(ex)) });
    const ended = (error?: unknown) => {
      if (error === undefined) this.moved = target;
      this.moving = undefined;
      for (const start of this.afterMove.splice(0)) start();
      release(error);
      this.pump();
      for (const listener of this.moveListeners) listener();
    };
    clock.advance(step / 1000).then(() => ended(), (error) => ended(error ?? new Error('the clock move failed')));
  }
}
