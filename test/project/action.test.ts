/**
 * The GitHub Actions composite action (action.yml), its steps run as a script against the reference server: the
 * `run` steps through bash as a runner runs them (with GITHUB_OUTPUT), the upload step as a copy of the files it
 * names, so that the JUnit report, the certificate and the HAR are shown to reach the artifacts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { REFERENCE_PROFILE } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

/** Runs the action's steps in `workspace` with `given` inputs; answers the artifacts folder and the steps' outputs. */
function runAction(workspace: string, given: Record<string, string>) {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries<any>(action.inputs)) inputs[name] = given[name] ?? (spec.default === undefined ? '' : String(spec.default));
  const outputs: Record<string, Record<string, string>> = {};
  const artifacts = path.join(workspace, '.artifacts');
  let failed = false;
  const expand = (text: string) =>
    text.replace(/\$\{\{\s*(inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+))\s*\}\}/g, (_m, _e, input, step, output) => (input ? inputs[input] : (outputs[step]?.[output] ?? '')));
  const condition = (expression: string | undefined) => {
    if (!expression || expression === 'success()') return !failed;
    if (expression === 'always()') return true;
    const equals = /^inputs\.([\w-]+) == '(.*)'$/.exec(expression);
    if (equals) return !failed && inputs[equals[1]] === equals[2];
    throw new Error(`the test runs no condition like ${expression}`);
  };
  const log: string[] = [];
  for (const step of action.runs.steps as Step[]) {
    if (!condition(step.if)) continue;
    if (step.run) {
      const outputFile = path.join(workspace, `.output-${step.id ?? 'step'}`);
      fs.writeFileSync(outputFile, '');
      const env = { ...process.env, GITHUB_OUTPUT: outputFile, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))])) };
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: workspace, env, encoding: 'utf8', timeout: 300_000 });
      log.push(r.stdout, r.stderr);
      if (step.id) outputs[step.id] = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      if (r.status !== 0) failed = true;
    } else if (step.uses?.startsWith('actions/upload-artifact@')) {
      const dir = path.join(artifacts, expand(step.with!.name));
      fs.mkdirSync(dir, { recursive: true });
      for (const file of expand(step.with!.path).split('\n').map((l) => l.trim()).filter(Boolean)) {
        if (fs.existsSync(path.join(workspace, file))) fs.copyFileSync(path.join(workspace, file), path.join(dir, path.basename(file)));
      }
    } else throw new Error(`the test runs no step like ${step.uses}`);
  }
  return { artifacts, outputs, failed, log: log.join('') };
}

describe('the GitHub Actions composite action', function () {
  this.timeout(300_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  it('certifies the reference server and uploads the JUnit report, the certificate and the HAR', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-action-'));
    fs.copyFileSync(REFERENCE_PROFILE, path.join(workspace, 'profile.yaml'));
    const run = runAction(workspace, {
      'base-url': server.url,
      'tenant-a': 'alpha:alpha-secret',
      'tenant-b': 'beta:beta-secret',
      profile: 'profile.yaml',
      'clock-url': server.clockUrl!,
      api: 'cart,ethernet',
      command: `${process.execPath} ${path.join(ROOT, 'bin/ordercert.js')}`,
    });
    assert.equal(run.outputs.certify?.['exit-code'], '0', run.log.slice(-3000));
    assert.equal(run.failed, false, run.log.slice(-3000));
    const uploaded = path.join(run.artifacts, 'ordercert-reports');
    assert.deepEqual(fs.readdirSync(uploaded).sort(), ['certificate.html', 'junit.xml', 'run.har']);
    assert.match(fs.readFileSync(path.join(uploaded, 'junit.xml'), 'utf8'), /<testsuite name="ordercert cart"/);
    assert.ok(JSON.parse(fs.readFileSync(path.join(uploaded, 'run.har'), 'utf8')).log.entries.length > 10);
  });

  it('uploads the reports of a run that failed, then fails the job with its exit code', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-action-'));
    const run = runAction(workspace, {
      'base-url': server.url,
      'tenant-a': 'alpha:alpha-secret',
      'tenant-b': 'beta:beta-secret',
      profile: 'missing.yaml',
      command: `${process.execPath} ${path.join(ROOT, 'bin/ordercert.js')}`,
    });
    assert.equal(run.outputs.certify?.['exit-code'], '2', run.log);
    assert.equal(run.failed, true);
    assert.ok(fs.existsSync(path.join(run.artifacts, 'ordercert-reports')));
  });
});
