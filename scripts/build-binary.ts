/**
 * npm run build:binary: the ordercert command as one executable file, dist/bin/ordercert-<platform>-<arch>, that
 * runs certify, init, rules, replay, explore and --version with no Node, npm or node_modules on the machine.
 *
 * Node's single executable application support: esbuild bundles scripts/binary-entry.ts and everything it imports
 * into one CommonJS file; `node --experimental-sea-config` turns it into a blob, with package.json and each API's
 * openapi.yaml and rules.yaml as assets; postject injects the blob into a copy of this Node binary. The suite finds
 * its package root from import.meta.url, so the bundle's import.meta.url points into a folder where the banner
 * has written those assets (once per content hash, under the system's temporary directory).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'dist', 'bin');
export const BINARY = path.join(OUT_DIR, `ordercert-${process.platform}-${process.arch}`);
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const APIS = ['cart', 'activation', 'ethernet'];

/** Packages found in the checkout, or through NODE_PATH (a folder of packages installed elsewhere). */
function load(name: string) {
  const paths = [ROOT, ...(process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean)];
  try {
    return createRequire(import.meta.url)(createRequire(import.meta.url).resolve(name, { paths }));
  } catch {
    throw new Error(`${name} is not installed: npm install (it is a devDependency)`);
  }
}

/** The files the suite reads at run time, by their path in the package. */
function assetFiles(): string[] {
  return ['package.json', ...APIS.flatMap((api) => [`specs/${api}/openapi.yaml`, `specs/${api}/rules.yaml`])];
}

/** Runs before the bundle: writes the assets to a package-shaped folder once, and names it for import.meta.url. */
const BANNER = `
const __ordercertMetaUrl = (() => {
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path'), sea = require('node:sea');
  const manifest = JSON.parse(sea.getAsset('manifest.json', 'utf8'));
  const dir = path.join(os.tmpdir(), 'ordercert-' + manifest.version + '-' + manifest.hash);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    const staging = fs.mkdtempSync(dir + '-');
    for (const file of manifest.files) {
      fs.mkdirSync(path.join(staging, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(staging, file), Buffer.from(sea.getAsset(file)));
    }
    try { fs.renameSync(staging, dir); } catch { fs.rmSync(staging, { recursive: true, force: true }); }
  }
  return require('node:url').pathToFileURL(path.join(dir, 'conformance', 'bundle.js')).href;
})();`;

/**
 * The generated validators load Ajv's runtime helpers through createRequire(import.meta.url), which esbuild cannot
 * follow; without that line their require("ajv/...") calls are plain ones, which it bundles.
 */
const bundleValidatorRequires = {
  name: 'bundle-validator-requires',
  setup(build: any) {
    build.onLoad({ filter: /generated[\\/][a-z]+[\\/]validators\.js$/ }, (args: { path: string }) => ({
      contents: fs
        .readFileSync(args.path, 'utf8')
        .replace("import { createRequire } from 'node:module';", '')
        .replace('const require = createRequire(import.meta.url);', ''),
      loader: 'js',
    }));
  },
};

export async function buildBinary(): Promise<{ file: string; bytes: number }> {
  const esbuild = load('esbuild');
  const { inject } = load('postject');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const bundle = path.join(OUT_DIR, 'ordercert.cjs');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'scripts/binary-entry.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    define: { 'import.meta.url': '__ordercertMetaUrl' },
    banner: { js: BANNER },
    plugins: [bundleValidatorRequires],
    logLevel: 'warning',
  });

  const files = assetFiles();
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(file).update(fs.readFileSync(path.join(ROOT, file)));
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const manifest = path.join(OUT_DIR, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ version, hash: hash.digest('hex').slice(0, 16), files }));
  const blob = path.join(OUT_DIR, 'ordercert.blob');
  const config = path.join(OUT_DIR, 'sea-config.json');
  const assets = Object.fromEntries([['manifest.json', manifest], ...files.map((f) => [f, path.join(ROOT, f)])]);
  fs.writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }, null, 1));
  const prep = spawnSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  if (prep.status !== 0) throw new Error(`node --experimental-sea-config failed (${prep.status})`);

  fs.rmSync(BINARY, { force: true });
  fs.copyFileSync(process.execPath, BINARY);
  fs.chmodSync(BINARY, 0o755);
  await inject(BINARY, 'NODE_SEA_BLOB', fs.readFileSync(blob), { sentinelFuse: SENTINEL_FUSE });
  for (const f of [blob, config, manifest, bundle]) fs.rmSync(f);
  return { file: BINARY, bytes: fs.statSync(BINARY).size };
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBinary().then(
    ({ file, bytes }) => console.log(`built ${path.relative(ROOT, file)} (${(bytes / 1e6).toFixed(1)} MB)`),
    (err) => {
      console.error(`build:binary: ${err.message}`);
      process.exit(1);
    },
  );
}
