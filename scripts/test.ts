/**
 * The mocha stage of `npm test`: independent groups of test files run in parallel processes (each with its
 * own throw-away PostgreSQL cluster and servers), every output line prefixed with its group, and one closing
 * line for the whole run: "N passed, N failed". Exit 1 when any group fails.
 *   node --import tsx scripts/test.ts            all groups
 *   node --import tsx scripts/test.ts tables     one group by name
 * Written here rather than with mocha --parallel: that mode runs the global teardown in the parent only, so
 * each worker's PostgreSQL cluster would outlive the run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MOCHA = path.join(ROOT, 'node_modules/mocha/bin/mocha.js');

interface Group {
  name: string;
  files: string[];
  ignore?: string[];
}

/**
 * The two tables run whole suites against dozens of servers, and the rest is long too: four processes,
 * split so that each takes about as long as the kill table.
 */
const GROUPS: Group[] = [
  { name: 'kill-table', files: ['test/selftest/kill-table.test.ts'] },
  { name: 'tolerance', files: ['test/selftest/*.test.ts', 'test/explore/**/*.test.ts', 'test/bench/**/*.test.ts'], ignore: ['test/selftest/kill-table.test.ts'] },
  { name: 'apis', files: ['test/{activation,browser,cart,ethernet}/**/*.test.ts'] },
  { name: 'project', files: ['test/**/*.test.ts'], ignore: ['test/{selftest,explore,bench,activation,browser,cart,ethernet}/**'] },
];

interface Tally {
  group: string;
  code: number | null;
  passing: number;
  failing: number;
  pending: number;
  seconds: number;
  /** Mocha's failure report (from its "N failing" line on), repeated after the closing tallies. */
  failures: string[];
}

function runGroup(group: Group): Promise<Tally> {
  const args = [MOCHA, '--no-color', ...group.files, ...(group.ignore ?? []).flatMap((g) => ['--ignore', g])];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT });
    const tally: Tally = { group: group.name, code: null, passing: 0, failing: 0, pending: 0, seconds: 0, failures: [] };
    const prefix = `[${group.name}] `;
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          const m = /^\s+(\d+) (passing|failing|pending)\b/.exec(line);
          if (m) tally[m[2] as 'passing' | 'failing' | 'pending'] = Number(m[1]);
          if (tally.failing > 0 && out === process.stdout) tally.failures.push(line);
          out.write(prefix + line + '\n');
        }
      });
      stream.on('end', () => rest && out.write(prefix + rest + '\n'));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ ...tally, code, seconds: (Date.now() - started) / 1000 }));
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !GROUPS.some((g) => g.name === w));
if (unknown.length) {
  console.error(`unknown group ${unknown.join(', ')}; groups: ${GROUPS.map((g) => g.name).join(', ')}`);
  process.exit(2);
}
const tallies = await Promise.all(GROUPS.filter((g) => !wanted.length || wanted.includes(g.name)).map(runGroup));
// Four groups interleave their output, and a CI log may keep only its end: the failures are said again here.
for (const t of tallies.filter((t) => t.failures.length)) {
  console.log(`\nfailures in ${t.group}:`);
  for (const line of t.failures) console.log(line);
}
console.log('');
for (const t of tallies) {
  console.log(`${t.group}: ${t.passing} passing, ${t.failing} failing, ${t.pending} pending, ${t.seconds.toFixed(0)} s, exit ${t.code}`);
}
const passed = tallies.reduce((s, t) => s + t.passing, 0);
// A group that died before mocha's summary counts as one failure, so that the closing line never reads clean.
const failed = tallies.reduce((s, t) => s + t.failing + (t.code !== 0 && t.failing === 0 ? 1 : 0), 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(tallies.every((t) => t.code === 0) ? 0 : 1);
