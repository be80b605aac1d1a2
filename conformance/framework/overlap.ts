import { ClockControl } from './clock.js';

/** How many checks of one API may overlap, and why that many. */
export interface Overlap {
  concurrency: number;
  /** `given`: --concurrency; `no test clock`; `near`/`far`: the default with a test clock, by the server's distance. */
  chosen: 'given' | 'no test clock' | 'near' | 'far';
  /** The fastest answer of the test clock, in ms, when it was measured. */
  fastestClockMs?: number;
}

/**
 * A test clock whose fastest answer takes at least this long is across a network: the checks then mostly wait for
 * answers rather than share the server's CPU, so more of them may overlap. Loopback answers in well under a
 * millisecond, even on a loaded machine; a staging server across the internet in tens of milliseconds.
 */
export const FAR_ROUND_TRIP_MS = 20;
/** How many times each clock is read to find its fastest answer (the fastest is the distance, not the load). */
const READS = 5;

/**
 * The overlap of a run: --concurrency when given; without a test clock `unclocked`; with one, `near` when a clock
 * answers within FAR_ROUND_TRIP_MS (reading stops there) and `far` when none does in READS reads each. A clock that
 * does not answer leaves the smaller one: its checks then say what is wrong with it.
 */
export async function chooseOverlap(
  given: number | undefined,
  clocks: ClockControl[],
  defaults: { unclocked: number; near: number; far: number },
  /** The longest the reads may take in all (the run's --timeout): a clock slower than that leaves the smaller one. */
  budgetMs: number,
): Promise<Overlap> {
  if (given !== undefined) return { concurrency: Math.max(1, given), chosen: 'given' };
  const controllable = clocks.filter((c) => c.controllable);
  if (!controllable.length) return { concurrency: defaults.unclocked, chosen: 'no test clock' };
  let fastest = Infinity;
  const signal = AbortSignal.timeout(budgetMs);
  try {
    for (const clock of new Map(controllable.map((c) => [c.url, c])).values()) {
      for (let i = 0; i < READS && fastest >= FAR_ROUND_TRIP_MS; i++) {
        const started = performance.now();
        await clock.forCheck({ signal }).read();
        fastest = Math.min(fastest, performance.now() - started);
      }
    }
  } catch {
    return { concurrency: defaults.near, chosen: 'near' };
  }
  const fastestClockMs = Math.round(fastest * 10) / 10;
  return fastest >= FAR_ROUND_TRIP_MS
    ? { concurrency: defaults.far, chosen: 'far', fastestClockMs }
    : { concurrency: defaults.near, chosen: 'near', fastestClockMs };
}

/** One line for the run's output: the overlap and why. */
export function describeOverlap(o: Overlap): string {
  switch (o.chosen) {
    case 'given':
      return `up to ${o.concurrency} checks of each API at once (--concurrency)`;
    case 'no test clock':
      return `up to ${o.concurrency} checks of each API at once`;
    case 'near':
      return `up to ${o.concurrency} checks of each API at once: the test clock answers within ${FAR_ROUND_TRIP_MS} ms${o.fastestClockMs !== undefined ? ` (${o.fastestClockMs} ms)` : ''}, so the server likely shares this machine's CPU (--concurrency to change)`;
    case 'far':
      return `up to ${o.concurrency} checks of each API at once: the test clock's fastest answer took ${o.fastestClockMs} ms, so the checks mostly wait on the network (--concurrency to change)`;
  }
}
