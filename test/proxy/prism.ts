/**
 * Stoplight Prism as a validating proxy in front of one API of a test server, with a small recorder in front of
 * Prism that keeps every answer's `sl-violations` header. Prism runs without `--errors`, so it forwards every
 * request (except malformed JSON, which it answers itself) and only reports what breaks the spec.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../helpers/pg.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export type ApiName = 'cart' | 'activation' | 'ethernet';

export interface Violation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

export interface Recorded {
  method: string;
  path: string;
  status: number;
  /** The answer's headers, names in lower case. */
  headers: Record<string, string>;
  body: string;
  violations: Violation[];
}

export interface ValidatingProxy {
  /** The base URL to give the suite in place of the API's own. */
  url: string;
  recorded: Recorded[];
  /** Violations Prism found in the server's answers (not in the suite's deliberately bad requests). */
  responseViolations(): Array<Recorded & { violation: Violation }>;
  output(): string;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade']);

export async function startValidatingProxy(api: ApiName, upstream: string): Promise<ValidatingProxy> {
  const prismPort = await freePort();
  const prism = spawn(
    path.join(ROOT, 'node_modules/.bin/prism'),
    ['proxy', path.join(ROOT, 'specs', api, 'openapi.yaml'), upstream, '--host', '127.0.0.1', '--port', String(prismPort)],
    { cwd: ROOT, env: { ...process.env, SCARF_ANALYTICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  prism.stdout!.on('data', (d) => (out += d));
  prism.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => prism.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/Prism is listening/.test(out)) {
    if (prism.exitCode !== null) throw new Error(`prism exited with ${prism.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      prism.kill('SIGKILL');
      throw new Error(`prism did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const recorded: Recorded[] = [];
  const recorder = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    try {
      const answer = await fetch(`http://127.0.0.1:${prismPort}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      const body = Buffer.from(await answer.arrayBuffer());
      const raw = answer.headers.get('sl-violations');
      const back: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!HOP_BY_HOP.has(k)) back[k] = v;
      });
      recorded.push({ method: req.method ?? '', path: req.url ?? '', status: answer.status, headers: back, body: body.toString('utf8'), violations: raw ? JSON.parse(raw) : [] });
      res.writeHead(answer.status, back).end(body);
    } catch (err: any) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`recorder: prism did not answer: ${err?.message ?? err}`);
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => recorder.listen(port, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    responseViolations: () => recorded.flatMap((r) => r.violations.filter((v) => v.location?.[0] === 'response').map((violation) => ({ ...r, violation }))),
    output: () => out,
    async stop() {
      const closed = new Promise<void>((resolve) => recorder.close(() => resolve()));
      recorder.closeAllConnections();
      await closed;
      if (prism.exitCode === null && prism.signalCode === null) {
        prism.kill('SIGTERM');
        await exited;
      }
    },
  };
}
