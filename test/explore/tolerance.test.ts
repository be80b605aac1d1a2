/**
 * Explore's fairness: every tolerance variant (test/tolerance) makes a choice the documents allow, so explore
 * must find no broken rule against it, with the variant's own base URLs, profile, --timeout and --strict.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { runExplore } from '../../conformance/explore/cli.js';
import type { ApiName } from '../../conformance/framework/types.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';
import { toleranceVariants } from '../tolerance/index.js';

/** Sequences per API: small, the variants are many (the worker that wakes every 12 s makes each wait long). */
const RUNS = 5;

describe('explore certifies every tolerance variant', function () {
  this.timeout(600_000);
  it('has tolerance variants to run', () => assert.ok(toleranceVariants.length > 0));
  for (const variant of toleranceVariants) {
    it(`${variant.name}: no rule broken (${variant.apis.join(', ')})`, async () => {
      const server = await startTestServer({ variant: variant.name });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explore-tolerance-'));
      try {
        const mounts = Object.fromEntries(variant.server().map((m) => [m.name, server.url + m.mountPath]));
        const reference = referenceProfile();
        const profile = Object.fromEntries(Object.entries(reference).map(([api, section]) => [api, { ...(section as object), ...(variant.profile?.[api as ApiName] ?? {}) }]));
        const file = path.join(dir, 'profile.yaml');
        fs.writeFileSync(file, YAML.stringify(profile));
        const [a, b] = DEMO_CREDENTIALS;
        for (const api of variant.apis) {
          const run = await runExplore([
            '--api', api, `--${api}-url`, mounts[api],
            '--tenant-a', `${a.user}:${a.secret}`, '--tenant-b', `${b.user}:${b.secret}`,
            '--profile', file, '--clock-url', server.clockUrl!,
            '--timeout', String(variant.timeoutMs ?? 20_000),
            '--runs', String(variant.timeoutMs ? 2 : RUNS), '--seed', '11',
            ...(variant.strict ? ['--strict'] : []),
          ]);
          assert.equal(run.code, 0, `${api}:\n${run.report}`);
        }
      } finally {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
