/**
 * The vocabulary of `ordercert explore`: an action sends one request and judges its answer against a model
 * of what the documents allow; a step runs one action, or several at once (then some sequential order of
 * them must explain every answer: a small linearizability check). Every judgement names a catalogue rule.
 */
import type { Capabilities } from '../framework/capabilities.js';
import { excerpt } from '../framework/excerpt.js';
import crypto from 'node:crypto';
import type { CheckContext } from '../framework/check.js';
import type { ClockControl } from '../framework/clock.js';
import type { ApiClient } from '../framework/http.js';
import type { ApiName, Exchange, Level, Rule, TenantLabel } from '../framework/types.js';
import { RuleViolation } from '../framework/violation.js';

/** A broken rule, found by judging an answer. */
export class Finding extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly detail: { expected?: unknown; actual?: unknown; exchange?: Exchange } = {},
  ) {
    super(message);
  }
}

export type Tenant = 0 | 1;
export const TENANT_NAMES = ['A', 'B'] as const;

/** What a sequence sees: the clients of both tenants, the clock, the profile, and the transcript so far. */
export interface Env {
  api: ApiName;
  clients: [ApiClient, ApiClient];
  clock: ClockControl;
  profile: Record<string, any>;
  /** The run's optional capabilities (in certify, those of the check's run). */
  capabilities?: Capabilities;
  rules: Map<string, Rule>;
  strict: boolean;
  /** The run's --timeout: the longest wait for an answer, or for an order to finish once its time has come. */
  timeoutMs: number;
  /** The server's clock minus ours (ms), measured at the start and moved by every advance. */
  offsetMs: number;
  /** How far our estimate of the server's time may be off (ms). */
  slackMs: number;
  /** Prefix of every id this sequence makes, unique to the run and the sequence. */
  prefix: string;
  counter: number;
  transcript: TranscriptEntry[];
  /** Labels of the steps run so far (in order). */
  steps: string[];
  warnings: Finding[];
  /** The certify check a sweep case runs in (none in `explore`): what it holds, such as an access of the pool, is the check's. */
  check?: CheckContext;
  /** In certify, set by the model: the tenant another check of the run created a resource (by path) as. */
  createdByRun?: (path: string) => TenantLabel | undefined;
  /** No other check of its API uses the scarce shared test data this one does (an exclusive sweep case, or one that `uses` it). */
  alone?: boolean;
  /**
   * Writes sent at the same moment: how long after the first the others leave (default 0; negative: how long after
   * the others the first leaves). A repeated sweep case sets it from how long the first write took the time before,
   * so that a server which reads before its transaction is also seen with the other write landing inside that
   * window, whichever of the two makes the read.
   */
  staggerMs?: number;
  /** How many steps of writes sent at the same moment this run has made (an API's model may alternate their order by it). */
  races?: number;
  /** How the last writes sent at the same moment went: the first, and the longest of the others. */
  lastRace?: { first: RaceTime; others: RaceTime };
  /** While a step of writes sent at the same moment is judged: its answers may show each other's effects. */
  atOnce?: boolean;
}

export interface TranscriptEntry {
  step: number;
  tenant?: Tenant;
  exchange?: Exchange;
  advanceSeconds?: number;
}

/** How long one write of a race took to be answered (ms), and whether it succeeded. */
export interface RaceTime {
  ms: number;
  ok: boolean;
}

export const uid = (env: Env, kind: string) => `${env.prefix}${kind}${++env.counter}`;
/** Ten hex digits: hundreds of sequences a run, across many runs on one server, never meet (a PON is at most 16 characters: x, these, a kind, a counter). */
export const runPrefix = () => `x${crypto.randomBytes(5).toString('hex')}`;

/** An answer and the window of server time in which the server produced it. */
export interface Obs {
  ex: Exchange;
  /** Server time (ms) certainly before the server handled the request, and certainly after. */
  from: number;
  to: number;
  /** A read the action made right after, to learn what the answer did not say. */
  follow?: Obs;
}

/** Fails a rule: MUST rules (and every rule with --strict) stop the sequence; others are kept as warnings. */
export interface Judge {
  fail(rule: string, message: string, detail?: Finding['detail']): void;
  /** In certify, the tenant another check of the run created this resource as (checks overlap), if one did. */
  createdByRun?(path: string): TenantLabel | undefined;
}

export interface Action<S> {
  label: string;
  tenant?: Tenant;
  /** Sends the request (or moves the clock); undefined when there is no answer to judge. */
  send(env: Env): Promise<Obs | undefined>;
  /** Checks the answer against the model and applies it to the model. Pure: no requests. */
  judge(s: S, obs: Obs | undefined, j: Judge): void;
}

export const ok = (ex: Exchange) => ex.status >= 200 && ex.status < 300;
export const is4xx = (ex: Exchange) => ex.status >= 400 && ex.status < 500;
export const brief = (ex: Exchange) => `${ex.status}: ${excerpt(ex.body, 300)}`;

/** Sends one request as a tenant and notes the server-time window around it. */
export async function observe(env: Env, step: number, tenant: Tenant, send: (client: ApiClient) => Promise<Exchange>): Promise<Obs> {
  const from = Date.now() + env.offsetMs - env.slackMs;
  let ex: Exchange;
  try {
    ex = await send(env.clients[tenant]);
  } catch (err) {
    // The client judges every answer's schema; a mismatch is a finding of the schema rule.
    if (err instanceof RuleViolation && err.detail.rule) {
      if (err.detail.exchange) env.transcript.push({ step, tenant, exchange: err.detail.exchange });
      throw new Finding(err.detail.rule, err.message, err.detail);
    }
    throw err;
  }
  env.transcript.push({ step, tenant, exchange: ex });
  return { ex, from, to: Date.now() + env.offsetMs + env.slackMs };
}

/** Moves the server's clock (only with a controllable clock) and records it for the replay. */
export async function advance(env: Env, step: number, seconds: number): Promise<void> {
  await env.clock.advance(seconds);
  env.offsetMs += seconds * 1000;
  env.transcript.push({ step, advanceSeconds: seconds });
}

export function ruleLevel(env: Env, rule: string): Level {
  return env.rules.get(rule)?.level ?? 'MUST';
}

function judgeFor(env: Env, warnings: Finding[]): Judge {
  return {
    createdByRun: (path) => env.createdByRun?.(path),
    fail(rule, message, detail = {}) {
      const finding = new Finding(rule, message, detail);
      if (env.strict || ruleLevel(env, rule) === 'MUST') throw finding;
      warnings.push(finding);
    },
  };
}

/** Every order of `items`, the given one first. */
function* permutations(items: number[], prefix: number[] = []): Generator<number[]> {
  if (prefix.length === items.length) return yield prefix;
  for (const i of items) if (!prefix.includes(i)) yield* permutations(items, [...prefix, i]);
}

/** In certify, a race is staged while no other check has a request on the server (framework/quiet.ts). */
export const quietly = <T>(env: Env, work: () => Promise<T>): Promise<T> => (env.check ? env.check.quietly(work) : work());

/**
 * Sends actions at the same moment (in certify, in a quiet moment), the first `env.staggerMs` ahead of the others
 * (behind, when negative), and notes how long the first and the slowest other took, for the next repeat's stagger.
 * Answers by action; `answered`: the actions in the order their answers came.
 */
export async function sendAtOnce<S>(env: Env, actions: Action<S>[]): Promise<{ observed: Array<Obs | undefined>; answered: number[] }> {
  const stagger = env.staggerMs ?? 0;
  const after = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
  const times: RaceTime[] = [];
  const answered: number[] = [];
  const send = () =>
    Promise.all(
      actions.map(async (a, i) => {
        await after(i === 0 ? -stagger : stagger);
        const started = Date.now();
        const obs = await a.send(env);
        times[i] = { ms: Date.now() - started, ok: !!obs && ok(obs.ex) };
        answered.push(i);
        return obs;
      }),
    );
  const observed = await quietly(env, send);
  env.lastRace = { first: times[0], others: times.slice(1).reduce((a, b) => (b.ms > a.ms ? b : a)) };
  return { observed, answered };
}

/** Reads made once writes sent at once were answered: their answers must fit the state the writes leave. */
export interface ReadsAfter<S> {
  actions: Action<S>[];
  observed: Array<Obs | undefined>;
}

/**
 * The state some serial order of actions sent at once explains: every order is tried on a copy of `s`, the order
 * they were answered in first, each action judged on its answer and then `after` on theirs. The first order that
 * explains everything without a warning wins; failing that, the first that needs a (SHOULD) warning, with its
 * warnings. None: the finding of the order that explains the most answers is thrown.
 */
export function explainSerially<S>(env: Env, s: S, actions: Action<S>[], observed: Array<Obs | undefined>, answered: number[], after?: ReadsAfter<S>): { s: S; warnings: Finding[] } {
  let best: { finding: Finding; explained: number; order: number[] } | undefined;
  let warned: { s: S; warnings: Finding[] } | undefined;
  for (const order of permutations(answered)) {
    const copy = structuredClone(s);
    const warnings: Finding[] = [];
    let explained = 0;
    env.atOnce = true;
    try {
      for (const i of order) actions[i].judge(copy, observed[i], judgeFor(env, warnings)), explained++;
      env.atOnce = false;
      after?.actions.forEach((a, k) => (a.judge(copy, after.observed[k], judgeFor(env, warnings)), explained++));
      if (warnings.length) {
        warned ??= { s: copy, warnings };
        continue;
      }
      return { s: copy, warnings };
    } catch (err) {
      if (!(err instanceof Finding)) throw err;
      if (!best || explained > best.explained) best = { finding: err, explained, order };
    } finally {
      env.atOnce = false;
    }
  }
  if (warned) return warned;
  const { finding, order } = best!;
  const taken = order.join() === answered.join() ? 'taken in the order they were answered' : `taken in the order that explains the most of them (${order.map((i) => i + 1).join(', ')} of those sent)`;
  const reads = after?.actions.length ? ' and the reads after them' : '';
  throw new Finding(finding.rule, `no sequential order of the ${actions.length} concurrent calls explains every answer${reads}; ${taken}: ${finding.message}`, finding.detail);
}

/**
 * Runs a step: one action, or several at once. For concurrent actions the state a serial order explains becomes
 * the model (explainSerially); none: a finding.
 */
export async function runStep<S>(env: Env, box: { s: S }, actions: Action<S>[]): Promise<void> {
  env.steps.push(actions.map((a) => a.label).join('  ||  '));
  if (actions.length === 1) {
    const obs = await actions[0].send(env);
    actions[0].judge(box.s, obs, judgeFor(env, env.warnings));
    return;
  }
  const { observed, answered } = await sendAtOnce(env, actions);
  const explained = explainSerially(env, box.s, actions, observed, answered);
  box.s = explained.s;
  env.warnings.push(...explained.warnings);
}

/** The step number the next action belongs to (actions record their exchanges under it). */
export const currentStep = (env: Env) => env.steps.length - 1;
