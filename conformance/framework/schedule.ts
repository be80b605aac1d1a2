/**
 * The order in which a run starts its checks, and which of them may be in flight together: by their data (their
 * API, what they `use`, whether they are `exclusive`) and, with a test clock, by their use of time.
 */
import type { Check, Suite } from './check.js';
import type { ApiName, Rule } from './types.js';

export interface Job {
  index: number;
  suite: Suite;
  check: Check;
  rule: Rule;
  /** For a check that `uses` scarce data: how many of it the profile gives (so many such checks may run at once). */
  scarce?: number;
}

export type Time = NonNullable<Check['time']>;
/** The steps of a check that does not say (`Check.cost`). */
const DEFAULT_COST = 4;
/** A check's use of time; a check that restarts the server counts as moving it. */
export const timeUse = (job: Job): Time => (job.check.restarts ? 'moves' : (job.check.time ?? 'moves'));
/** A check's use of time at the clock it takes turns at. */
export interface ClockUse {
  time: Time;
  clock: string;
}
/**
 * Whether two checks may be in flight together, taking turns at their clocks: only one that needs its moves at once
 * runs apart from the others at its clock.
 */
const timeCompatible = (a: ClockUse | undefined, b: ClockUse | undefined) =>
  !a || !b || a.clock !== b.clock || a.time === 'none' || b.time === 'none' || (a.time !== 'alone' && b.time !== 'alone');

/** Checks that may overlap others of their API. */
const mayOverlap = (job: Job) => !job.check.exclusive && !!(job.check.slow || job.check.independent);

/**
 * Checks of different APIs run side by side, and within one API the checks that wait in real time (`slow`) or
 * are `independent` overlap each other and the rest, at most `limit` of them at once in each API (but one at a time
 * among those that name the same scarce data they `use`); the other checks
 * of an API run one at a time, and an `exclusive` check runs alone in its API (without a test clock, before the
 * others start). With a test clock (`timeOf` given) a check also starts only when its use of time is compatible
 * with every check in flight at the same clock (`timeCompatible`), and a check that waits for that holds back later checks it
 * conflicts with, so that it is not starved; and while a check waits for its turn at the clock (`waitsForClock`), no
 * check that would hold back the move starts. A `last` check starts once every other check of its API has ended.
 * None of this can change a verdict: each check works on orders and ids of its own, and no clock move happens while
 * a check that could see it is between two of its steps (clock-turns.ts).
 */
export async function schedule(
  jobs: Job[],
  limit: number,
  run: (job: Job) => Promise<void>,
  timeOf?: (job: Job) => ClockUse | undefined,
  waitsForClock?: (job: Job) => boolean,
  wakeWith?: (pump: () => void) => void,
): Promise<void> {
  if (limit === 1) {
    for (const job of [...jobs.filter((j) => !j.check.last), ...jobs.filter((j) => j.check.last)]) await run(job);
    return;
  }
  // With a test clock, 'alone' checks first: at the start nothing else that involves time is in flight, so they wait
  // for no other API's checks to drain, and none wait behind them. Then checks that take turns at a scarce piece of
  // data: they form a chain that no overlap shortens.
  const rank = (job: Job) => (job.check.last ? 32 : 0) + (timeOf?.(job)?.time === 'alone' ? 0 : 8) + (job.check.uses ? 0 : 4) + (job.check.exclusive ? 0 : 2) + (job.check.slow ? 0 : 1);
  const cost = (job: Job) => job.check.cost ?? DEFAULT_COST;
  const queue = [...jobs].sort((a, b) => rank(a) - rank(b) || cost(b) - cost(a) || a.index - b.index);
  const running = new Set<Job>();
  await new Promise<void>((resolve, reject) => {
    const start = (job: Job) => {
      queue.splice(queue.indexOf(job), 1);
      running.add(job);
      run(job).then(() => {
        running.delete(job);
        pump();
      }, reject);
    };
    const pump = () => {
      if (running.size === 0 && queue.length === 0) return resolve();
      const closed = new Set<ApiName>(); // an exclusive check waits to run alone in its API: nothing else starts there
      const held: ClockUse[] = []; // uses of time of checks that wait for the clock: later checks must not conflict with them
      for (const job of [...queue]) {
        const api = job.suite.api;
        if (closed.has(api)) continue;
        const mine = [...running].filter((j) => j.suite.api === api);
        // A check of the whole run's work waits until every other check of its API has ended.
        if (job.check.last && (mine.some((j) => !j.check.last) || queue.some((j) => j.suite.api === api && !j.check.last))) continue;
        if (waitsForClock?.(job)) continue;
        // A scarce piece of test data is used by as many checks of its API at once as the profile has of it.
        if (job.check.uses && mine.filter((j) => j.check.uses === job.check.uses).length >= (job.scarce ?? 1)) continue;
        const time = timeOf?.(job);
        const timeFree = !time || [...running].every((j) => timeCompatible(time, timeOf!(j)));
        if (time && held.some((h) => !timeCompatible(time, h))) continue;
        let dataFree: boolean;
        if (mine.some((j) => j.check.exclusive)) dataFree = false;
        else if (job.check.exclusive) {
          dataFree = mine.length === 0;
          if (!dataFree || !timeFree) closed.add(api);
        } else if (mayOverlap(job)) dataFree = mine.filter(mayOverlap).length < limit;
        else dataFree = !mine.some((j) => !mayOverlap(j));
        if (dataFree && !timeFree) held.push(time!);
        if (dataFree && timeFree) start(job);
      }
    };
    wakeWith?.(pump);
    pump();
  });
}
