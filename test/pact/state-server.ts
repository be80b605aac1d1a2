/**
 * A provider-state setup endpoint over HTTP, as a vendor would run one beside its server (docs/PACT.md): it takes
 * Pact's `{ action, state, params }` POST and answers the state's provided values as JSON. Here it wraps the
 * reference server's state handlers, so the vendor path of scripts/verify-pacts.ts can be tested end to end.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ReferenceProvider } from './provider.js';
import { STATE_HANDLERS } from './provider.js';
import { APIS } from './support.js';

export interface StateServer {
  url: string;
  /** The states set up so far, by name, in order. */
  seen: string[];
  close(): Promise<void>;
}

export async function startStateServer(provider: ReferenceProvider): Promise<StateServer> {
  const handlers: Record<string, (params?: unknown) => Promise<unknown>> = {};
  for (const api of APIS) Object.assign(handlers, STATE_HANDLERS[api](provider));
  const seen: string[] = [];
  const app = express();
  app.use(express.json());
  app.post('/', async (req, res) => {
    const { action, state, params } = req.body ?? {};
    if (action === 'teardown') return void res.json({});
    const handler = handlers[state];
    if (!handler) return void res.status(400).json({ error: `unknown provider state "${state}"` });
    try {
      seen.push(state);
      res.json((await handler(params ?? {})) ?? {});
    } catch (err) {
      res.status(500).json({ error: (err as Error).message });
    }
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
