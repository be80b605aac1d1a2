/**
 * The deterministic sweep: certify's checks derived from the same behaviour model `explore` drives at random.
 * A sweep case is a fixed sequence of the model's steps (reach a state, then probe it: an operation by the owner
 * or the other tenant, two writes at once, the clock moved far, a limit at its edge, the same intent in another
 * body) with every answer judged by the model. Each case is one check; a finding names its own rule.
 */
import { ruleIndex } from '../framework/catalogue.js';
import type { CapabilityName } from '../framework/capabilities.js';
import type { Check, CheckContext, TimeUse } from '../framework/check.js';
import { CLOCK_REMEDY } from '../framework/clock.js';
import { NotRun, RuleViolation } from '../framework/violation.js';
import { Finding, runPrefix, runStep, type Env } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';

export interface SweepCase<S> {
  /** Stable, kebab-case, unique within the API; the check's id is `sweep-<id>`. */
  id: string;
  /** The catalogue rule the case probes (the operation's); a finding on the way names its own rule. */
  rule: string;
  title: string;
  /** The model's steps, in order: each is one action or several sent at the same moment. */
  steps: StepSpec<S>[];
  /** Moves the server's clock: judged only with a test clock (a day cannot be waited for in real time). */
  clock?: boolean;
  /** The optional capability the state belongs to: declared absent, the case is not applicable. */
  capability?: CapabilityName;
  /** Profile keys without which the state cannot be reached (optional keys of the profile). */
  needs?: string[];
  /** Runs the whole case this many times, each from a fresh state (races on a loaded machine). Default 1. */
  repeat?: number;
  /** Passed on to the check (see Check): its use of the server's time; default 'moves' with `clock`, else 'reads'. */
  time?: TimeUse;
  /** Passed on to the check (see Check): uses scarce shared data, or only its own. */
  exclusive?: boolean;
  independent?: boolean;
  /** Passed on to the check: the scarce test data it cleans and uses (one such case at a time); the case then sees it as if alone. */
  uses?: string;
}

/** A model that can be swept: its explore model plus the fixed cases derived from it. */
export interface SweepModel<S> extends ExploreModel<S> {
  /** The cases of this API (those that move the clock are not judged without a test clock). */
  sweep(): SweepCase<S>[];
}

/** What `explore` calls the run's environment, made from a check's context. */
async function envFor(t: CheckContext, model: ExploreModel<unknown>, alone: boolean): Promise<Env> {
  const offsetMs = t.clock.controllable ? (await t.clock.now()).getTime() - Date.now() : 0;
  return {
    api: model.api,
    clients: [t.alpha, t.beta],
    clock: t.clock,
    profile: t.profile,
    rules: ruleIndex([model.api]),
    strict: false,
    timeoutMs: Math.max(1000, t.deadline()),
    offsetMs,
    slackMs: t.clock.controllable ? 1500 : 5000,
    prefix: runPrefix(),
    counter: 0,
    transcript: [],
    steps: [],
    warnings: [],
    check: t,
    alone,
  };
}

const toViolation = (f: Finding, steps: string[]) =>
  new RuleViolation(`${f.message} (sweep steps: ${steps.map((s, i) => `${i + 1}. ${s}`).join('; ')})`, { ...f.detail, rule: f.rule });

/** Runs one case once: fresh state, its steps, then the model's cleanup (never judged). */
async function runCase<S>(t: CheckContext, model: SweepModel<S>, c: SweepCase<S>, staggerMs?: number): Promise<{ found?: RuleViolation; race?: Env['lastRace'] }> {
  const env = await envFor(t, model as ExploreModel<unknown>, !!c.exclusive || !!c.uses);
  env.staggerMs = staggerMs;
  const box = { s: await t.prerequisite('setting up the sweep state', () => model.init(env)) };
  try {
    for (const spec of c.steps) {
      const actions = spec.make(box.s, env);
      if (!actions?.length && spec.optional) continue;
      if (!actions?.length) throw new NotRun(`step "${spec.name}" of sweep case ${c.id} found nothing to act on (an earlier step did not reach its state)`);
      try {
        await runStep(env, box, actions);
      } catch (err) {
        if (err instanceof Finding) throw toViolation(err, env.steps);
        throw err;
      }
    }
    return { found: env.warnings[0] && toViolation(env.warnings[0], env.steps), race: env.lastRace };
  } finally {
    await model.cleanup(env, box.s).catch(() => {});
  }
}

/**
 * How long before the others (+) or after them (-) the first write of a race leaves in repeat `i`. Repeats go in
 * rounds of three: together; then, from how the writes went the first time, the first ahead of the others; then the
 * others ahead of the first, so that a server which checks before a slow step and writes after it is caught whichever
 * write makes the check. A write that succeeded took its slow step too: the other leaves half its time after it,
 * inside the step. One that was refused was answered just after its check (the other had got in first): the other
 * leaves its whole time after it, once the check has been made. A second round sends them together again, now on
 * connections the first round opened: they reach the server closer together, inside a window that opens right after
 * the check (the first round's may have spent it on connecting).
 */
export function staggerFor(i: number, race: Env['lastRace']): number | undefined {
  const phase = i % 3;
  if (phase === 0 || !race) return undefined;
  const ahead = phase === 1 ? race.first : race.others;
  return (phase === 1 ? 1 : -1) * Math.round(ahead.ok ? ahead.ms / 2 : ahead.ms);
}

/** Repeats of a race: one round (together, then each way round apart). */
export const RACE_REPEAT = 3;
/** Identical writes at once meet a window right after the check only when they arrive together: two rounds. */
export const IDENTICAL_REPEAT = 2 * RACE_REPEAT;

/** One check per case. MUST findings fail at once; the first SHOULD finding is reported when the case ends. */
export function sweepChecks<S>(model: SweepModel<S>): Check[] {
  return model.sweep().map(
    (c): Check => ({
      id: `sweep-${c.id}`,
      rule: c.rule,
      title: c.title,
      ...(c.capability ? { needs: c.capability } : {}),
      ...(c.exclusive ? { exclusive: true } : {}),
      ...(c.independent ? { independent: true } : {}),
      ...(c.uses ? { uses: c.uses } : {}),
      cost: c.steps.length * (c.repeat ?? 1),
      // A case that moves the clock for a reason it does not declare is stopped before the move and run again as 'moves'.
      ...(c.time ? { time: c.time } : c.clock ? {} : { time: 'reads' as const }),
      async run(t) {
        if (c.clock && !t.clock.controllable) throw new NotRun('the sweep case moves the server clock by more than can be waited for', CLOCK_REMEDY);
        const missing = (c.needs ?? []).filter((k) => t.profile[k] === undefined);
        if (missing.length) throw new NotRun(`the profile has no ${missing.join(', ')}`, `add ${missing.map((k) => `${model.api}.${k}`).join(', ')} to the profile`);
        let warning: RuleViolation | undefined;
        let race: Env['lastRace'];
        for (let i = 0; i < (c.repeat ?? 1); i++) {
          const { found, race: timed } = await runCase(t, model, c, staggerFor(i, race));
          race ??= timed;
          warning ??= found;
        }
        if (warning) throw warning;
      },
    }),
  );
}
