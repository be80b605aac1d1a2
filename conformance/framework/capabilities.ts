/**
 * Optional capabilities: what the documents let a server offer or not (asynchronous confirmation, a hold per
 * booking, a way to restart it, ...). The profile's `capabilities` section declares each one true or false; a
 * check that applies only to a capability declared false is "not applicable" (never run, never unjudged). Left
 * out, a capability is derived from the profile keys and flags present, as before the section existed: offered
 * when its test data is given, otherwise unknown (its checks run and are not judged for want of that data).
 */
import type { Suite } from './check.js';
import { API_NAMES, type ApiName, type CheckResult } from './types.js';

/** A capability's name, unique across the suites and the server (`restart`). */
export type CapabilityName = string;

export interface Capability {
  name: CapabilityName;
  /** The API it belongs to (set from the suite that declares it); none: the whole server (the restart hook). */
  api?: ApiName;
  /** What offering it means, for the reports. */
  what: string;
  /** Profile keys of `api` a server offering it must give (the preflight demands them when it is declared). */
  keys: string[];
}

/** The one capability of the whole server, known to every run. */
export const RESTART: Capability = { name: 'restart', what: 'a restart hook (--restart-url or --restart-command)', keys: [] };

/** The capabilities the suites declare, each with its suite's api (in the order of API_NAMES), then `restart`. */
export function capabilitiesOf(suites: Suite[]): Capability[] {
  const ordered = [...suites].sort((a, b) => API_NAMES.indexOf(a.api) - API_NAMES.indexOf(b.api));
  return [...ordered.flatMap((s) => (s.capabilities ?? []).map((c) => ({ ...c, api: s.api }))), RESTART];
}

export const capability = (known: Capability[], name: CapabilityName): Capability | undefined => known.find((c) => c.name === name);

/** offered: declared true, or derived from the test data; absent: declared false; unknown: neither. */
export type CapabilityState = 'offered' | 'absent' | 'unknown';

export interface ResolvedCapability {
  state: CapabilityState;
  /** Whether the profile's capabilities section said so, or the keys and flags present. */
  declared: boolean;
}

export type Capabilities = Record<CapabilityName, ResolvedCapability>;

/** The capabilities of a run: the profile's declarations, and for the rest what its keys and flags show. */
export function resolveCapabilities(known: Capability[], profile: Record<string, any>, run: { restart?: { url?: string; command?: string } } = {}): Capabilities {
  const declared: Record<string, unknown> = profile?.capabilities ?? {};
  const entries = known.map((c): [CapabilityName, ResolvedCapability] => {
    const value = declared[c.name];
    if (typeof value === 'boolean') return [c.name, { state: value ? 'offered' : 'absent', declared: true }];
    const shown = c.name === RESTART.name ? !!(run.restart?.url || run.restart?.command) : c.keys.length > 0 && c.keys.every((k) => profile?.[c.api!]?.[k] !== undefined);
    return [c.name, { state: shown ? 'offered' : 'unknown', declared: false }];
  });
  return Object.fromEntries(entries) as Capabilities;
}

/**
 * Problems with the capabilities section itself, and declarations the run's flags or keys contradict: one line each.
 * `known` may hold capabilities of APIs outside the run (`apis`): a profile may declare them, and they are not tried.
 */
export function capabilityProblems(known: Capability[], profile: Record<string, any>, apis: ApiName[], run: { restart?: { url?: string; command?: string } } = {}): string[] {
  const section = profile?.capabilities;
  if (section === undefined) return [];
  if (!section || typeof section !== 'object' || Array.isArray(section)) return ['profile capabilities must be a mapping of capability names to true or false'];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(section)) {
    const c = capability(known, name);
    if (!c) problems.push(`profile capabilities.${name} is not a capability the suite knows; it knows ${known.map((x) => x.name).join(', ')}`);
    else if (typeof value !== 'boolean') problems.push(`profile capabilities.${name} must be true or false: ${c.what}`);
    else if (value && c.api && apis.includes(c.api)) {
      const missing = c.keys.filter((k) => profile?.[c.api!]?.[k] === undefined);
      if (missing.length) problems.push(`profile capabilities.${name} is true but ${missing.map((k) => `${c.api}.${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: give the test data, or declare it false`);
    } else if (value && name === RESTART.name && !run.restart?.url && !run.restart?.command) {
      problems.push('profile capabilities.restart is true but no --restart-url or --restart-command was given: give one, or declare it false');
    }
  }
  return problems;
}

/** The capability a check applies to: the one it names, or the restart hook for a check that restarts. */
export const capabilityOf = (check: { needs?: CapabilityName; restarts?: boolean }): CapabilityName | undefined => check.needs ?? (check.restarts ? RESTART.name : undefined);

/** The result of a check that applies only to a capability the profile declares absent. */
export function notApplicable(known: Capability[], name: CapabilityName): Pick<CheckResult, 'outcome' | 'message' | 'capability'> {
  return { outcome: 'n/a', capability: name, message: `not applicable: the profile declares capabilities.${name} false (no ${capability(known, name)?.what})` };
}

/** How a capability came out in a run: certified, failed or not judged when offered; absent when declared false. */
export interface CapabilityReport {
  name: CapabilityName;
  api?: ApiName;
  what: string;
  declared: boolean;
  state: CapabilityState;
  outcome: 'certified' | 'failed' | 'not judged' | 'absent' | 'unknown';
  /** The rules of the checks that apply to it. */
  rules: string[];
}

export function capabilityReport(known: Capability[], capabilities: Capabilities, results: CheckResult[], apis: ApiName[]): CapabilityReport[] {
  return known.filter((c) => !c.api || apis.includes(c.api)).map((c) => {
    const { state, declared } = capabilities[c.name];
    const mine = results.filter((r) => r.capability === c.name);
    const rules = [...new Set(mine.map((r) => r.checkRule ?? r.rule))];
    const outcome: CapabilityReport['outcome'] =
      state === 'absent'
        ? 'absent'
        : mine.some((r) => r.outcome === 'fail')
          ? 'failed'
          : mine.length && mine.every((r) => r.outcome === 'pass' || r.outcome === 'warn')
            ? 'certified'
            : state === 'offered'
              ? 'not judged'
              : 'unknown';
    return { name: c.name, api: c.api, what: c.what, declared, state, outcome, rules };
  });
}
