/**
 * Verifies ordercert's pacts (pacts/) against any provider by URL: a vendor's server, with its own credentials and
 * its own provider-state setup endpoint (docs/PACT.md says what that endpoint must do).
 *
 *   ordercert pact-verify --api cart --base-url https://vendor.example/cart \
 *     --state-url https://vendor.example/__pact/states --user alice --password s3cret
 *
 * (`npm run pact:verify -- ...` in a checkout.) Pact is loaded only here, when a verification runs, so the rest of
 * the CLI installs and starts without it. Exit 0 when every interaction verifies, 1 when one fails, 2 for bad
 * arguments or when Pact is not installed.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { packageRoot } from '../conformance/framework/package-root.js';
import { basicAuthorization } from '../generated/client-runtime.js';

export type ApiName = 'cart' | 'activation' | 'ethernet';
export const APIS: ApiName[] = ['cart', 'activation', 'ethernet'];
export const PACT_DIR = path.join(packageRoot(import.meta.url), 'pacts');
export const consumerName = (api: ApiName) => `ordercert-${api}-client`;
export const providerName = (api: ApiName) => `ordercert-${api}`;
export const pactFile = (api: ApiName) => path.join(PACT_DIR, `${consumerName(api)}-${providerName(api)}.json`);

/** The Pact major version this package is tested with (Pact 17 needs Node 22). */
const PACT_INSTALL = 'npm install @pact-foundation/pact@16';

export class PactMissingError extends Error {}

async function loadVerifier() {
  try {
    return (await import('@pact-foundation/pact')).Verifier;
  } catch (err: any) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new PactMissingError(`pact-verify needs Pact, which is not installed with ordercert by default: ${PACT_INSTALL}`);
  }
}

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
  const Verifier = await loadVerifier();
  return new Verifier({
    provider: providerName(v.api),
    providerBaseUrl: v.baseUrl,
    pactUrls: v.pactUrls ?? [pactFile(v.api)],
    providerStatesSetupUrl: v.stateUrl,
    // The pacts are recorded with the reference server's demo tenant; the vendor's credentials replace them.
    requestFilter: (req: any, _res: unknown, next: () => void) => {
      req.headers.authorization = authorization;
      next();
    },
    logLevel: v.logLevel ?? 'warn',
  }).verifyProvider();
}

const USAGE = `usage: ordercert pact-verify --api <cart|activation|ethernet> --base-url <url> --state-url <url> --user <name> --password <secret>

Verifies ordercert's consumer pacts of one API against a server (docs/PACT.md lists the interactions and what
the provider-state endpoint must answer). Needs @pact-foundation/pact@16 installed beside ordercert.

  --api NAME         cart, activation or ethernet
  --base-url URL     the API's base URL on your server
  --state-url URL    your provider-state endpoint (POSTed the state of each interaction before it)
  --user, --password a test tenant's HTTP Basic credentials (they replace the pacts' demo tenant)
  --pact FILE        verify this pact file instead of the packaged one

exit codes: 0 every interaction verified, 1 an interaction failed, 2 bad arguments or Pact not installed`;

export async function main(argv: string[]): Promise<number> {
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
        help: { type: 'boolean', short: 'h' },
      },
    }) as unknown as { values: Record<string, string | undefined> });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    console.log(USAGE);
    return 0;
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
    if (err instanceof PactMissingError) {
      console.error(`ordercert: ${err.message}`);
      return 2;
    }
    console.error(`${values.api}: pact verification failed: ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
