/**
 * A check's whole exchange as a shell script a vendor can run: every request in the order the check sent
 * it, with the ids the run used, each as the tenant that sent it (`curl -u "$ORDERCERT_TENANT_A"`).
 */
import { tenantVariable, toCurl } from './http.js';
import type { ApiName, CheckResult, Exchange, TenantLabel } from './types.js';

/** The variable that holds an API's base URL in a replay script (the same as `ordercert certify --cart-url`). */
/** The variable that holds the test clock endpoint in a replay script. */
export const CLOCK_VARIABLE = 'ORDERCERT_CLOCK_URL';

export const baseVariable = (api: ApiName) => `ORDERCERT_${api.toUpperCase()}_URL`;

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/** One comment line that says what a request was and how it was answered. */
export function describeExchange(ex: Exchange, index: number): string {
  if (ex.clock) {
    const move = ex.requestBody && typeof ex.requestBody === 'object' ? ` ${JSON.stringify(ex.requestBody)}` : '';
    return `${index + 1}. ${ex.method} test clock${move}: answered ${ex.status} in ${ex.durationMs} ms`;
  }
  const who = ex.tenant ? `tenant ${ex.tenant}${ex.wrongSecret !== undefined ? ' (wrong secret)' : ''}` : 'no credentials';
  return `${index + 1}. ${ex.method} ${pathOf(ex.url)} as ${who}: answered ${ex.status} in ${ex.durationMs} ms`;
}

/**
 * The script. `baseUrl` is the API's base URL in the run: requests under it are written relative to
 * $ORDERCERT_<API>_URL, which defaults to that URL, so the script replays against another server as is.
 */
export function replayScript(result: Pick<CheckResult, 'check' | 'api' | 'rule' | 'title' | 'outcome' | 'message' | 'transcript'>, baseUrl?: string): string {
  const transcript = result.transcript ?? [];
  const variable = baseVariable(result.api);
  const tenants = [...new Set(transcript.map((e) => e.tenant).filter((t): t is TenantLabel => !!t))].sort();
  const lines = [
    '#!/bin/sh',
    `# ordercert replay of ${result.check} (${result.rule}): ${result.title}`,
    `# outcome: ${result.outcome}${result.message ? ` - ${oneLine(result.message)}` : ''}`,
    `# ${transcript.length} request${transcript.length === 1 ? '' : 's'}, in the order the check sent them, with the ids the run used.`,
    ...(tenants.length ? [`# Set ${tenants.map((t) => `${tenantVariable(t)}`).join(' and ')} to USER:SECRET of tenant ${tenants.join(' and ')} (as for ordercert certify).`] : []),
    `# Set ${variable} to replay against another server.`,
    'set -u',
  ];
  const clockUrl = transcript.find((e) => e.clock)?.url;
  if (clockUrl) lines.splice(lines.length - 1, 0, `# The check moved the server's clock: set ${CLOCK_VARIABLE} to your test clock endpoint (--clock-url).`);
  if (baseUrl) lines.push(`: "\${${variable}:=${baseUrl}}"`);
  if (clockUrl) lines.push(`: "\${${CLOCK_VARIABLE}:=${clockUrl}}"`);
  const base = baseUrl ? { url: baseUrl, expression: `"$${variable}"` } : undefined;
  transcript.forEach((ex, i) => {
    lines.push('', `# ${describeExchange(ex, i)}`, toCurl(ex, ex.clock ? { url: ex.url, expression: `"$${CLOCK_VARIABLE}"` } : base));
  });
  return lines.join('\n') + '\n';
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 300);
