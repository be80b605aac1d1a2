/**
 * Whether a test clock stayed where the run put it. A run knows every move it made (`ClockLedger`); when another
 * run, a job of the vendor's, or a clock that jumps by itself moves the same clock, checks judge what they see
 * against the time they think it is, and a correct server fails rules it keeps. So when a check that involves time
 * fails, the runner reads the clock once more (`ClockWatch.jumpDuring`): a forward jump no move of the run explains,
 * seen while the check ran, makes its finding "not judged" and names the jump, instead of blaming the server.
 */
import type { ClockControl } from './clock.js';

/** The moves one run made through one test clock, in ms: those answered, and those still on their way. */
export interface ClockLedger {
  movedMs: number;
  movingMs: number;
  /**
   * Server time minus real time minus `movedMs`, as last read (once the watch has read the clock): where the clock
   * should stand now is real time plus this plus `movedMs`.
   */
  baseOffsetMs?: number;
}

export const newLedger = (): ClockLedger => ({ movedMs: 0, movingMs: 0 });

/**
 * Whether a move whose answer never came landed after all, from a read of the clock made since: it stands at least
 * the move (less the read's round trip and a second) further on than the run's other moves explain.
 */
export function moveLanded(ledger: ClockLedger, ms: number, read: { now: number; sent: number; answered: number }): boolean {
  if (ledger.baseOffsetMs === undefined) return false;
  const unexplained = read.now - (read.sent + read.answered) / 2 - ledger.baseOffsetMs - ledger.movedMs;
  return unexplained >= ms - (read.answered - read.sent) - 1000;
}

/**
 * The smallest unexplained jump that counts (ms). A clock may round a move, or stamp a little late on a loaded
 * machine; the jumps that change verdicts are a hold's minutes or an order's finish, well above this.
 */
export const UNEXPLAINED_JUMP_MS = 10_000;

interface Sample {
  /** Server time minus real time minus the run's moves, in ms. */
  offset: number;
  /** How far off that can be: half the read's round trip, and moves that landed or were on their way meanwhile. */
  slack: number;
  at: number;
  /** No move of the run was on its way: the offset is exact (but for the round trip). */
  clean: boolean;
}

/** A forward jump no move of the run explains, seen between two reads of the clock (real ms). */
export interface Jump {
  after: number;
  before: number;
  ms: number;
}

export class ClockWatch {
  private base: Sample | undefined;
  private readonly jumps: Jump[] = [];
  /** Reads are made one at a time: each compares with the last. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly clock: ClockControl,
    private readonly ledger: ClockLedger,
  ) {}

  /**
   * One read of the clock, made while none of the run's moves is on its way where it can be (a move on its way may
   * or may not have landed, which would hide a jump smaller than itself): a read during which a move was on its way
   * is made again, until one is made without or `--timeout` has passed; then its slack covers the move.
   */
  private async sample(): Promise<Sample> {
    const waitUntil = Date.now() + (this.clock.options.timeoutMs ?? 30_000);
    for (;;) {
      while (this.ledger.movingMs > 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
      const movedBefore = this.ledger.movedMs;
      const moving = this.ledger.movingMs;
      const sent = Date.now();
      const now = (await this.clock.now()).getTime();
      const answered = Date.now();
      const landed = this.ledger.movedMs - movedBefore;
      const clean = !moving && !landed && !this.ledger.movingMs;
      if (clean || Date.now() >= waitUntil) {
        return { offset: now - (sent + answered) / 2 - movedBefore, slack: (answered - sent) / 2 + landed + moving, at: answered, clean };
      }
    }
  }

  /** Where the clock is when the run starts. A clock that cannot be read is not watched. */
  async start(): Promise<void> {
    this.base = await this.sample().catch(() => undefined);
    this.ledger.baseOffsetMs = this.base?.offset;
  }

  /**
   * The ms of unexplained forward jumps seen while a check ran (from `from` to `to`, real ms), reading the clock
   * again now; 0 when there were none, or when the clock cannot be read.
   */
  jumpDuring(from: number, to: number): Promise<number> {
    const read = this.queue.then(async () => {
      if (!this.base) return;
      const now = await this.sample().catch(() => undefined);
      if (!now) return;
      const unexplained = now.offset - this.base.offset;
      const jumped = unexplained > UNEXPLAINED_JUMP_MS + now.slack + this.base.slack;
      if (jumped) this.jumps.push({ after: this.base.at, before: now.at, ms: unexplained });
      // The next read compares with this one: a jump is counted once, and a clock that lags real time is no jump. A
      // read a move on its way made uncertain is no base: a jump it could not tell is seen by the next clean read.
      if (!jumped && !now.clean && this.base.clean) return;
      this.base = now;
      this.ledger.baseOffsetMs = now.offset;
    });
    this.queue = read;
    return read.then(() => this.jumps.filter((j) => j.after < to && j.before > from).reduce((sum, j) => sum + j.ms, 0));
  }
}
