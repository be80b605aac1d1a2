import { setTimeout as sleep } from 'node:timers/promises';
import { CheckAborted, NotRun } from './violation.js';
import { clockExchange, readCapped, type BodyRead } from './http.js';
import type { ApiName, Exchange } from './types.js';
import type { ClockMember } from './clock-turns.js';
import { moveLanded, type ClockLedger } from './clock-watch.js';

/** The longest test clock answer read (it answers { "now": ... }). */
const CLOCK_MAX_BYTES = 64 * 1024;

export interface ClockOptions {
  /** The check's signal: a wait or a clock request stops when it aborts. */
  signal?: AbortSignal;
  /** Told of every real-time wait before it starts, so that the runner can extend the check's budget by it. */
  onRealWait?: (ms: number) => void;
  /** Longest wait for the clock endpoint's answer (the run's `--timeout`). */
  timeoutMs?: number;
  /** Sees every request to the clock endpoint, so that a check's transcript holds its clock moves too. */
  onExchange?: (exchange: Exchange) => void;
  /** Called before the test clock is moved; may throw to stop the move (the runner's guard on checks marked not to move it). */
  beforeMove?: () => void;
  /** With checks overlapping: the check's turn at the shared clock (clock-turns.ts), through which its moves go. */
  turns?: ClockMember;
  /** Called before the check waits for the server's time (a move, its turn at the clock, a real-time wait). */
  beforeWait?: () => void;
  /** Counts every move made through this clock (and its copies for checks): the run's own moves (clock-watch.ts). */
  ledger?: ClockLedger;
}

/** The test clock an API's checks move: its own (`clockUrls`), or the server's (`clockUrl`). */
export const clockUrlOf = (options: { clockUrl?: string; clockUrls?: Partial<Record<ApiName, string>> }, api: ApiName): string | undefined =>
  options.clockUrls?.[api] ?? options.clockUrl;

export const CLOCK_REMEDY = 'give --clock-url (a test clock), or --slow to let the suite wait in real time';

/**
 * Moves time on the server under test. With a clock control URL (the reference server's
 * `/__clock`, or the vendor's equivalent) time jumps; without one, a check that may wait in real
 * time (slow runs allowed) sleeps, and any other is not run.
 */
export class ClockControl {
  constructor(
    readonly url: string | undefined,
    readonly allowRealWait: boolean,
    readonly options: ClockOptions = {},
  ) {}

  get controllable(): boolean {
    return !!this.url;
  }

  /** The same clock for one check: its signal, its budget. */
  forCheck(options: ClockOptions): ClockControl {
    return new ClockControl(this.url, this.allowRealWait, { timeoutMs: this.options.timeoutMs, beforeMove: this.options.beforeMove, ledger: this.options.ledger, ...options });
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    return this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
  }

  private async call(init?: RequestInit): Promise<{ res: Response; text: string }> {
    if (this.options.signal?.aborted) throw new CheckAborted();
    const startedAt = new Date();
    try {
      const res = await fetch(this.url!, { ...init, signal: this.signal() });
      // The clock answers a few bytes; a longer answer is cut there rather than held.
      const read: BodyRead = { text: '', bytes: 0 };
      await readCapped(res, CLOCK_MAX_BYTES, read);
      const text = read.text;
      this.options.onExchange?.(clockExchange(this.url!, init, res, text, startedAt));
      return { res, text };
    } catch (err: any) {
      if (this.options.signal?.aborted) throw new CheckAborted();
      throw new NotRun(`the test clock at ${this.url} did not answer: ${err?.cause?.code ?? err?.message ?? err}`, 'check --clock-url');
    }
  }

  /** The clock's answer to GET: its status and its body parsed (`{}` when it is no JSON). */
  async read(): Promise<{ status: number; ok: boolean; body: any }> {
    const { res, text } = await this.call();
    let body: any = {};
    try {
      body = JSON.parse(text);
    } catch {
      // no JSON: the caller says what is missing
    }
    return { status: res.status, ok: res.ok, body };
  }

  async now(): Promise<Date> {
    if (!this.url) return new Date();
    const { status, ok, body } = await this.read();
    const now = new Date(body?.now);
    if (!ok || Number.isNaN(now.getTime())) throw new NotRun(`the test clock at ${this.url} answered ${status} without a "now"`, 'check --clock-url');
    return now;
  }

  /** Moves the server's clock forward by `seconds` (or waits that long where allowed). */
  async advance(seconds: number): Promise<void> {
    this.options.beforeWait?.();
    if (this.url) {
      this.options.beforeMove?.();
      if (this.options.turns) return this.options.turns.park(seconds, this.options.signal);
      const ms = seconds * 1000;
      const ledger = this.options.ledger;
      if (ledger) ledger.movingMs += ms;
      let moved = false;
      try {
        const { res } = await this.call({
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ advanceSeconds: seconds }),
        });
        moved = res.ok;
        if (!res.ok) throw new NotRun(`the test clock at ${this.url} refused to advance: ${res.status}`, 'check --clock-url');
      } catch (err) {
        // No answer: the move may have landed all the same (a server that took it and answered too late). A read of
        // the clock tells, so that the run's idea of the server's time stays right.
        if (!(err instanceof NotRun) || !ledger || moved || !(await this.landed(ledger, ms))) throw err;
        moved = true;
      } finally {
        if (ledger) {
          ledger.movingMs -= ms;
          if (moved) ledger.movedMs += ms;
        }
      }
      return;
    }
    if (!this.allowRealWait) throw new NotRun(`needs ${seconds} s to pass on the server`, CLOCK_REMEDY);
    await this.wait(seconds * 1000);
  }

  /** Whether a move of `ms` whose answer never came shows on the clock (clock-watch.ts). */
  private async landed(ledger: ClockLedger, ms: number): Promise<boolean> {
    try {
      const sent = Date.now();
      const now = (await this.now()).getTime();
      return moveLanded(ledger, ms, { now, sent, answered: Date.now() });
    } catch {
      return false;
    }
  }

  /**
   * Grows the check's budget by time the profile says the server may take (an order's finishSeconds, a pending
   * confirmation's settleSeconds), without waiting: the check then polls for the result within that time.
   */
  allow(ms: number): void {
    if (ms > 0) this.options.onRealWait?.(ms);
  }

  /** Waits in real time, extending the check's budget by the wait (the wait is the server's, not the check's). */
  async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.options.beforeWait?.();
    this.options.onRealWait?.(ms);
    try {
      await sleep(ms, undefined, { signal: this.options.signal });
    } catch {
      throw new CheckAborted();
    }
  }
}
