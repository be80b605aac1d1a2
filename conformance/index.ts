/**
 * The package's `ordercert/conformance` entry: `certify()` of the APIs named, with this package's suites. The
 * framework it wraps knows no API; this is where the three suites are handed to it.
 */
import { certifySuites, type CertificationRun, type CertifyOptions } from './framework/certify.js';
import type { ApiName } from './framework/types.js';
import { suitesFor } from './suites.js';

export * from './framework/certify.js';

export type CertifyApisOptions = Omit<CertifyOptions, 'suites'> & { apis: ApiName[] };

/** Certifies the named APIs: their suites, over HTTP, against the base URLs given. */
export function certify(options: CertifyApisOptions): Promise<CertificationRun> {
  const { apis, ...rest } = options;
  return certifySuites({ ...rest, suites: suitesFor(apis) });
}
