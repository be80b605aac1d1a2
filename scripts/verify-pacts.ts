/**
 * Verifies ordercert's pacts (pacts/) against any provider by URL: a vendor's server, with its own credentials and
 * its own provider-state setup endpoint (docs/PACT.md says what that endpoint must do).
 *
 *   npm run pact:verify -- --api cart --base-url https://vendor.example/cart \
 *     --state-url https://vendor.example/__pact/states --user alice --password s3cret
 *
 * Exit 0 when every interaction verifies, 1 when one fails, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { Verifier } from '@pact-foundation/pact';
import { basicAuthorization } from '../generated/client-runtime.js';
import { APIS, pactFile, providerName, type ApiName } from '../test/pact/support.js';

export interface VendorVerification {
  api: ApiName;
  /** The API's base URL: what the spec's paths are appended to. */
  baseUrl: string;
  /** The provider-state setup endpoint (POST { action, state, params } → JSON of provided values). */
  stateUrl: string;
  user: string;
  password: string;
  pactUrls?: string[];
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** Runs Pact verification of one API against a provider by URL; rejects when any interaction fails. */
export async function verifyVendorPacts(v: VendorVerification): Promise<unknown> {
  const authorization = basicAuthorization(v.user, v.password);
  return new Verifier({
    provider: providerName(v.api),
    providerBaseUrl: v.baseUrl,
    pactUrls: v.pactUrls ?? [pactFile(v.api)],
    providerStatesSetupUrl: v.stateUrl,
    // The pacts are recorded with the reference server's demo tenant; the vendor's credentials replace them.
    requestFilter: (req, _res, next) => {
      req.headers.authorization = authorization;
      next();
    },
    logLevel: v.logLevel ?? 'warn',
  }).verifyProvider();
}

const USAGE = `usage: npm run pact:verify -- --api <cart|activation|ethernet> --base-url <url> --state-url <url> --user <name> --password <secret>`;

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        api: { type: 'string' },
        'base-url': { type: 'string' },
        'state-url': { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        pact: { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const missing = ['api', 'base-url', 'state-url', 'user', 'password'].filter((k) => !values[k]);
  if (missing.length) {
    console.error(`missing ${missing.map((m) => `--${m}`).join(', ')}\n${USAGE}`);
    return 2;
  }
  if (!APIS.includes(values.api as ApiName)) {
    console.error(`unknown --api ${values.api}: one of ${APIS.join(', ')}`);
    return 2;
  }
  for (const key of ['base-url', 'state-url']) {
    try {
      new URL(values[key]!);
    } catch {
      console.error(`--${key} is not a URL: ${values[key]}`);
      return 2;
    }
  }
  try {
    await verifyVendorPacts({
      api: values.api as ApiName,
      baseUrl: values['base-url']!,
      stateUrl: values['state-url']!,
      user: values.user!,
      password: values.password!,
      pactUrls: values.pact ? [values.pact] : undefined,
    });
    console.log(`${values.api}: every interaction of the pact verified against ${values['base-url']}`);
    return 0;
  } catch (err) {
    console.error(`${values.api}: pact verification failed: ${(err as Error).message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
