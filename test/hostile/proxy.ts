/**
 * A loopback proxy in front of a test server that spoils some of its answers, the way a broken network or a
 * broken server would: cut, reset, never sent, dripping, an HTML error page, a redirect, a status no spec
 * documents, a 5xx, a 200 MB body. It forwards everything else unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Spoil =
  | 'truncated'
  | 'invalid-json'
  | 'wrong-type'
  | 'html-error'
  | 'reset'
  | 'no-answer'
  | 'drip'
  | 'redirect'
  | 'undocumented-status'
  | 'server-error'
  | 'huge';

export interface ProxyOptions {
  /** The server behind the proxy, e.g. http://127.0.0.1:1234. */
  target: string;
  spoil: Spoil;
  /** Spoiling starts with the first request this matches (e.g. the first order placed: after the preflight). */
  armOn: (method: string, path: string) => boolean;
  /** Once armed, every `every`-th request is spoiled (the arming one first) ... */
  every: number;
  /** ... at most this many times. */
  max: number;
  /** Bytes of a `huge` answer (default 200 MB). */
  hugeBytes?: number;
}

export interface SpoilingProxy {
  url: string;
  /** The requests spoiled so far: "METHOD /path?query". */
  spoiled: string[];
  close(): Promise<void>;
}

const MB = 1024 * 1024;

export async function startSpoilingProxy(options: ProxyOptions): Promise<SpoilingProxy> {
  const target = new URL(options.target);
  const spoiled: string[] = [];
  let armed = false;
  let seen = 0;
  const held = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (!armed && options.armOn(req.method ?? 'GET', path)) armed = true;
      const spoil = armed && spoiled.length < options.max && seen++ % options.every === 0;
      if (spoil) spoiled.push(`${req.method} ${path}`);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c) => body.push(c));
          up.on('end', () => {
            const whole = Buffer.concat(body);
            if (spoil) spoilAnswer(options, req, res, up, whole, held);
            else {
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(whole);
            }
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spoiled,
    close: async () => {
      for (const s of held) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function spoilAnswer(options: ProxyOptions, req: http.IncomingMessage, res: http.ServerResponse, up: http.IncomingMessage, whole: Buffer, held: Set<import('node:net').Socket>) {
  const { 'content-length': _length, ...headers } = up.headers;
  const status = up.statusCode ?? 502;
  switch (options.spoil) {
    case 'truncated':
      res.writeHead(status, headers);
      res.end(whole.subarray(0, Math.floor(whole.length / 2)));
      return;
    case 'invalid-json':
      res.writeHead(status, headers);
      res.end(Buffer.concat([Buffer.from('{"'), whole]));
      return;
    case 'wrong-type':
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(whole);
      return;
    case 'html-error':
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream went away</p></body></html>');
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'no-answer':
      // The request was handled upstream; its answer never comes (until the client gives up).
      held.add(req.socket);
      return;
    case 'drip': {
      res.writeHead(status, headers);
      let at = 0;
      const timer = setInterval(() => {
        if (at >= whole.length || res.destroyed) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(whole.subarray(at, ++at));
      }, 1000);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'redirect':
      res.writeHead(307, { location: `http://127.0.0.1:9/elsewhere${req.url}`, 'content-type': 'text/plain' });
      res.end('moved');
      return;
    case 'undocumented-status':
      res.writeHead(418, headers);
      res.end(whole);
      return;
    case 'server-error':
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"cause":"down for maintenance"}');
      return;
    case 'huge':
      writeHuge(res, options.hugeBytes ?? 200 * MB);
      return;
  }
}

/** A valid JSON object of `bytes` bytes, written as the client reads it (never held whole here either). */
function writeHuge(res: http.ServerResponse, bytes: number) {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(MB, 'x');
  let left = bytes - 10;
  res.write('{"pad":"');
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('error', () => undefined);
  pump();
}
