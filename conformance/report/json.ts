import type { CertificationRun } from '../framework/certify.js';
import type { CheckResult } from '../framework/types.js';

/**
 * report.json: the whole run, with the transcript of every check that did not pass (what a vendor needs to
 * trace and replay it) and none of the passing ones (which would make the file large and say nothing).
 * Each result appears once, under `results`; `rules[].results` name their checks.
 */
export function jsonReport(run: CertificationRun): string {
  const keep = (r: CheckResult): CheckResult => (r.outcome === 'pass' ? (({ transcript: _t, replay: _r, ...rest }) => rest)(r) : r);
  const report = {
    ...run,
    rules: run.rules.map((r) => ({ ...r, results: r.results.map(({ transcript: _t, replay: _r, ...rest }) => rest) })),
    results: run.results.map(keep),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
