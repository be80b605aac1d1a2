/**
 * Keeps the benchmark script working: one quick run (tiny data, 1 s loads) on SQLite, checking that every
 * scenario printed its row. No timing is asserted here; the numbers live in bench/README.md.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('bench: npm run bench keeps working (quick mode, SQLite)', function () {
  this.timeout(600_000);

  it('prints one row per scenario, none of them invalid', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--backend', 'sqlite'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`bench/run.ts failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    const scenarios = [
      'bare Express, same JSON (baseline)',
      'cart: GET an order of 10 bookings',
      'cart: create one booking (baseline)',
      'cart: confirm an order of 10 bookings',
      'ethernet: POST seed order, validation off (baseline)',
      'ethernet: POST the full seed order',
      'cart: GET an order: Prism mock (baseline)',
      'cart: GET an order: reference server',
      'activation: GET accesses: reference server',
      'ethernet: GET an order by id: reference server',
      'activation: feed poll, since = 10th-last',
      'activation: full feed read',
      'conformance: the suite reads the whole feed (scanFeed)',
      'conformance: all three APIs',
      'conformance: ethernet, no test clock, --slow',
      "| ethernet | the server's | 50 ms |",
    ];
    for (const scenario of scenarios) assert.ok(stdout.includes(scenario), `no row for "${scenario}" in:\n${stdout}`);
    assert.doesNotMatch(stdout, /not valid|Prism did not start/, stdout);
  });
});
