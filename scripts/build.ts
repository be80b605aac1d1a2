/**
 * Builds the package: compiles the CLI, the conformance suite, the typed clients and the reference server to
 * JavaScript in dist/ (tsconfig.build.json), then copies what tsc does not emit: generated/'s JavaScript validators
 * and its declaration files. `npm pack` runs this first (prepack).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

fs.rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

let copied = 0;
for (const entry of fs.readdirSync(path.join(ROOT, 'generated'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/(\.d\.ts|\.js)$/.test(entry.name)) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(DIST, path.relative(ROOT, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  copied++;
}
console.log(`built dist/ (${copied} files copied from generated/)`);
