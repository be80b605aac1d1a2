#!/usr/bin/env node
// The ordercert command. An installed package runs its compiled JavaScript (dist/); a checkout, where the
// TypeScript sources are, runs them through tsx, so that it needs no build step.
import fs from 'node:fs';

const root = new URL('../', import.meta.url);
const fromSource = fs.existsSync(new URL('conformance/cli.ts', root));
const load = (file) => import(new URL(fromSource ? `${file}.ts` : `dist/${file}.js`, root).href);
const argv = process.argv.slice(2);

// Answered before anything else loads, so that it costs a process start and one small file read.
if (argv[0] === '--version' || argv[0] === '-v') {
  console.log(JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')).version);
  process.exit(0);
}

if (fromSource) (await import('tsx/esm/api')).register();
if (argv[0] === 'serve') await serve(argv.slice(1));
else if (argv[0] === 'pact-verify') process.exit(await (await load('scripts/verify-pacts')).main(argv.slice(1)));
else process.exit(await (await load('conformance/cli')).main(argv));

/** The reference server, in demo mode unless ORDERCERT_DEMO=0. Its packages are optional peers of the CLI. */
async function serve(args) {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(`usage: ordercert serve [--test-clock]
  starts the reference server (PORT, default 8080; SQLite file SQLITE_FILE, default data/ordercert.sqlite;
  DATABASE_URL=postgres://... for PostgreSQL); demo tenants alpha:alpha-secret and beta:beta-secret
  unless ORDERCERT_DEMO=0; API docs at /docs; --test-clock mounts the test clock at /__clock`);
    process.exit(0);
  }
  process.env.ORDERCERT_DEMO ??= '1';
  let server;
  try {
    server = await load('src/server');
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || fromSource) throw err;
    const pkg = JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8'));
    const peers = Object.entries(pkg.peerDependencies ?? {})
      .filter(([name]) => !name.startsWith('@pact-foundation/'))
      .map(([name, range]) => `${name}@${JSON.stringify(range)}`);
    console.error(`ordercert serve: the reference server's packages are not installed (${err.message.split('\n')[0]}).
They are optional, so that the conformance suite installs without them. Install them beside ordercert:
  npm install ${peers.join(' ')}`);
    process.exit(2);
  }
  await server.serveFromEnvironment(process.env, args).catch((err) => {
    console.error(`ordercert: could not start: ${err.message}`);
    process.exit(1);
  });
}
