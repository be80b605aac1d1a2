/** Runs `ordercert certify` as a child process against a proxy in front of a test server, and reads what it left. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REFERENCE_PROFILE } from '../helpers/conformance.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the suite's process, in MB. */
  maxRssMb: number;
  seconds: number;
  reportDir: string;
  /** report.json, parsed (undefined when none was written). */
  report?: any;
}

/** `killAfterMs` bounds the run: a suite that hangs is killed and the run says so (signal SIGKILL). */
export async function certifyThrough(apiUrl: string, clockUrl: string, args: string[], killAfterMs: number): Promise<CliRun> {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-hostile-'));
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'test/hostile/measured-cli.ts'),
      'certify',
      '--base-url',
      apiUrl,
      '--tenant-a',
      'alpha:alpha-secret',
      '--tenant-b',
      'beta:beta-secret',
      '--profile',
      REFERENCE_PROFILE,
      '--clock-url',
      clockUrl,
      '--report-dir',
      reportDir,
      '--no-color',
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  const rss = /ordercert-max-rss-kb (\d+)/.exec(stderr);
  const file = path.join(reportDir, 'report.json');
  return {
    code,
    signal,
    stdout,
    stderr,
    maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : NaN,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    reportDir,
    report: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined,
  };
}
