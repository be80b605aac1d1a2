// Mutation testing of the conformance suite: each mutant of the reference server must make a conformance run against
// it not CERTIFIED (scripts/mutation-suite.ts). Driven by scripts/mutation.ts, which sets
// MUTATION_API and, to limit a run, MUTATION_MUTATE (Stryker's mutate patterns, comma-separated; line ranges allowed).
// 'shared' is the code every API runs (the three suites judge it in one run); each API has its whole folder. The
// documentation pages (src/shared/docs.ts) are no API's: the browser tests hold them, no conformance rule does.
const api = process.env.MUTATION_API ?? 'cart';
const SHARED = ['src/shared/*.ts', '!src/shared/docs.ts', 'src/app.ts', 'src/server.ts', 'src/apis.ts'];
// On PostgreSQL (scripts/mutation.ts --postgres) the run keeps its own report and sandbox.
const run = process.env.MUTATION_PG_ADMIN_URL ? `${api}-postgres` : api;
const mutate = process.env.MUTATION_MUTATE ? process.env.MUTATION_MUTATE.split(',') : api === 'shared' ? SHARED : [`src/${api}/*.ts`];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: `node --import tsx scripts/mutation-suite.ts ${api}` },
  mutate,
  // The command runner cannot tell which checks reach a mutant: every mutant runs the whole suite of its API.
  coverageAnalysis: 'off',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  // A mutant that outlives its suite run by this much is counted as a timeout (killed); MUTATION_TIMEOUT_MS shortens it.
  timeoutMS: Number(process.env.MUTATION_TIMEOUT_MS ?? 120_000),
  timeoutFactor: 1.5,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${run}.json` },
  tempDirName: `.stryker-tmp/${run}`,
  ignorePatterns: ['dist', 'reports', '.stryker-tmp', 'bench/results', 'test/browser'],
  disableTypeChecks: 'src/**/*.ts',
  cleanTempDir: true,
};
