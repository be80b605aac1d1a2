/**
 * The entry of the single executable (npm run build:binary): the ordercert command without Node, npm or
 * node_modules. The suite reads its specs and rule catalogues from files; build-binary.ts embeds them as assets and
 * its banner writes them once to a folder under the system's temporary directory, laid out like the package.
 */
import { main } from '../conformance/cli.js';

const NEEDS_PACKAGE: Record<string, string> = {
  serve: 'the reference server needs its packages (Express, Knex, SQLite): npm install ordercert express express-openapi-validator knex sqlite3 swagger-ui-dist, then npx ordercert serve',
  'pact-verify': 'Pact verification needs Pact\'s native core: npm install ordercert @pact-foundation/pact@16, then npx ordercert pact-verify',
};

const argv = process.argv.slice(2);
const needs = NEEDS_PACKAGE[argv[0]];
if (needs) {
  console.error(`ordercert ${argv[0]} is not in the single executable: ${needs}`);
  process.exit(2);
}
main(argv).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
