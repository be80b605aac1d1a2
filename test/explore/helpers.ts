/** Runs `ordercert explore` in-process against a test server (test/helpers/server.ts). */
import { runExplore } from '../../conformance/explore/cli.js';
import type { ApiName } from '../../conformance/framework/types.js';
import { DEMO_CREDENTIALS, REFERENCE_PROFILE } from '../helpers/conformance.js';
import type { TestServer } from '../helpers/server.js';

export function exploreArgs(server: TestServer, api: ApiName, extra: string[] = []): string[] {
  const [a, b] = DEMO_CREDENTIALS;
  return [
    '--api', api,
    '--base-url', server.url,
    '--tenant-a', `${a.user}:${a.secret}`,
    '--tenant-b', `${b.user}:${b.secret}`,
    '--profile', REFERENCE_PROFILE,
    ...(server.clockUrl ? ['--clock-url', server.clockUrl] : []),
    '--timeout', '20000',
    ...extra,
  ];
}

export const exploreAgainst = (server: TestServer, api: ApiName, extra: string[] = []) => runExplore(exploreArgs(server, api, extra));
