/**
 * The suite's own feed reader (scanFeed, item by item, each event checked against the spec's schema) reading a whole
 * feed once, in a process of its own so that its peak memory is the reader's alone. Prints one JSON line:
 * { events, bytes, seconds, maxRssMb, last }. Used by bench/run.ts; by hand:
 *   node --import tsx bench/suite-feed-reader.ts http://127.0.0.1:8080/activation alpha:alpha-secret
 */
import { makeContext } from '../conformance/framework/check.js';
import { ClockControl } from '../conformance/framework/clock.js';
import { ApiClient } from '../conformance/framework/http.js';
import type { Rule } from '../conformance/framework/types.js';
import { scanFeed } from '../conformance/activation/helpers.js';

const [baseUrl, tenant = 'alpha:alpha-secret'] = process.argv.slice(2);
const [user, secret] = tenant.split(':');
let bytes = 0;
const client = new ApiClient('activation', baseUrl, { user, secret }, 'ACT-SCHEMA', {
  timeoutMs: 10 * 60_000,
  onExchange: (ex) => (bytes = ex.cut?.bytes ?? ex.text.length),
});
const t = makeContext(
  {
    rule: { id: 'ACT-FEED-NO-SINCE-ALL', api: 'activation', level: 'MUST', source: '', quote: '' } as Rule,
    profile: {},
    alpha: client,
    beta: client,
    anonymous: client,
    clock: new ClockControl(undefined, false),
    memo: new Map(),
    signal: new AbortController().signal,
    deadline: () => 10 * 60_000,
    restart: async () => undefined,
  },
  [],
);
const started = Date.now();
let last: string | undefined;
const { count } = await scanFeed(t, client, undefined, (e) => (last = e.event));
console.log(JSON.stringify({ events: count, bytes, seconds: (Date.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, last }));
