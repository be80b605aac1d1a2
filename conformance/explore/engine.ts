/**
 * Drives random sequences of one API's actions against the server with fast-check's model-based testing,
 * shrinks a failing sequence to the shortest that still breaks a rule, and keeps that run's transcript.
 */
import fc from 'fast-check';
import type { Capabilities } from '../framework/capabilities.js';
import type { ClockControl } from '../framework/clock.js';
import type { ApiClient } from '../framework/http.js';
import type { ApiName, Rule } from '../framework/types.js';
import { Finding, runPrefix, runStep, type Action, type Env, type TranscriptEntry } from './core.js';

/** One kind of step, as generated: told the model's state, it builds the action(s) to run (none: skipped). */
export interface StepSpec<S> {
  name: string;
  make(s: S, env: Env): Action<S>[] | undefined;
  /** In a sweep case: with nothing to act on (an earlier answer the documents allow did not make it), skipped. */
  optional?: boolean;
}

export interface ExploreModel<S> {
  api: ApiName;
  /** Step generators; `clock` is false when the server's time cannot be moved. */
  steps(options: { clock: boolean }): fc.Arbitrary<StepSpec<S>>[];
  /** Reads what the model needs to start (never judged beyond the schema). */
  init(env: Env): Promise<S>;
  /** Leaves the server fit for the next sequence (ends holds, finishes orders); not judged. */
  cleanup(env: Env, s: S): Promise<void>;
  maxSteps: number;
}

export interface ExploreOptions {
  clients: [ApiClient, ApiClient];
  clock: ClockControl;
  profile: Record<string, any>;
  /** The profile's optional capabilities, declared or derived. */
  capabilities?: Capabilities;
  rules: Map<string, Rule>;
  strict: boolean;
  timeoutMs: number;
  runs: number;
  /** Stop starting new sequences after this many seconds. */
  timeSeconds?: number;
  seed?: number;
  /** fast-check's counterexample path, with the commands' replay path after a "~" (as printed). */
  path?: string;
  onProgress?: (tried: number) => void;
}

export interface Failure {
  finding: Finding;
  steps: string[];
  transcript: TranscriptEntry[];
}

export interface ExploreResult {
  api: ApiName;
  tried: number;
  ms: number;
  seed: number;
  failure?: Failure & { path: string; shrinks: number };
  /** The sequence could not be judged (server gone, setup impossible): not a verdict. */
  error?: string;
  /** SHOULD and MAY findings (without --strict): one per rule, as first seen, not shrunk. */
  warnings: Failure[];
}

class StepCommand<S> implements fc.AsyncCommand<{ s: S }, Env> {
  label: string;
  constructor(readonly spec: StepSpec<S>) {
    this.label = spec.name;
  }
  check = () => true;
  async run(box: { s: S }, env: Env): Promise<void> {
    const actions = this.spec.make(box.s, env);
    if (!actions?.length) return;
    this.label = actions.map((a) => a.label).join(' || ');
    await runStep(env, box, actions);
  }
  toString = () => this.label;
}

export async function explore<S>(model: ExploreModel<S>, options: ExploreOptions): Promise<ExploreResult> {
  const started = Date.now();
  const [fcPath, replayPath] = (options.path ?? '').split('~');
  let tried = 0;
  let last: Failure | undefined;
  const warnings = new Map<string, Failure>();
  const baseOffset = options.clock.controllable ? (await options.clock.now()).getTime() - Date.now() : 0;
  let offsetMs = baseOffset;

  const commands = fc.commands(
    model.steps({ clock: options.clock.controllable }).map((arb) => arb.map((spec) => new StepCommand(spec))),
    { maxCommands: model.maxSteps, size: 'max', ...(replayPath ? { replayPath } : {}) },
  );
  const property = fc.asyncProperty(commands, async (cmds) => {
    tried++;
    options.onProgress?.(tried);
    const env: Env = {
      api: model.api,
      clients: options.clients,
      clock: options.clock,
      profile: options.profile,
      capabilities: options.capabilities,
      rules: options.rules,
      strict: options.strict,
      timeoutMs: options.timeoutMs,
      offsetMs,
      slackMs: options.clock.controllable ? 1500 : 5000,
      prefix: runPrefix(),
      counter: 0,
      transcript: [],
      steps: [],
      warnings: [],
    };
    let box: { s: S } | undefined;
    try {
      box = { s: await model.init(env) };
      await fc.asyncModelRun(() => ({ model: box!, real: env }), cmds);
    } catch (err) {
      last = { finding: err as Finding, steps: env.steps, transcript: env.transcript };
      throw err;
    } finally {
      for (const w of env.warnings) if (!warnings.has(w.rule)) warnings.set(w.rule, { finding: w, steps: env.steps, transcript: env.transcript });
      if (box) await model.cleanup(env, box.s).catch(() => {});
      offsetMs = env.offsetMs;
    }
  });

  const details = await fc.check(property, {
    numRuns: options.runs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(fcPath ? { path: fcPath } : {}),
    ...(options.timeSeconds ? { interruptAfterTimeLimit: options.timeSeconds * 1000, markInterruptAsFailure: false } : {}),
  });
  const result: ExploreResult = { api: model.api, tried, ms: Date.now() - started, seed: details.seed, warnings: [...warnings.values()] };
  if (!details.failed) return result;
  const error = details.errorInstance;
  if (!(error instanceof Finding) || !last) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return result;
  }
  const replay = /replayPath="([^"]*)"/.exec(String(details.counterexample?.[0] ?? ''))?.[1];
  result.failure = { ...last, finding: error, path: `${details.counterexamplePath}${replay ? `~${replay}` : ''}`, shrinks: details.numShrinks };
  return result;
}
