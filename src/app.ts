import express from 'express';
import type { ApiContext, ApiModule } from './shared/api.js';
import { mountApi } from './shared/api.js';
import { ApiTestClock, TestClock } from './shared/clock.js';
import { docsRouter } from './shared/docs.js';

/**
 * The reference server: the given APIs mounted at their paths (each with its own context, `contextOf`), browsable
 * specs at /docs, and, only when the context's clock is a TestClock, the clock control endpoints: /__clock for the
 * server's time (every API's), /__clock/<api> for one API's time alone (when `contextOf` gives it an ApiTestClock).
 */
export function createApp(ctx: ApiContext, apis: ApiModule[], contextOf: (api: ApiModule) => ApiContext = () => ctx): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const apiClocks = Object.fromEntries(
    apis.flatMap((api) => {
      const clock = contextOf(api).clock;
      return clock instanceof ApiTestClock ? [[api.name, clock] as const] : [];
    }),
  );
  app.get('/', (_req, res) => {
    res.json({
      apis: Object.fromEntries(apis.map((a) => [a.name, a.mountPath])),
      docs: '/docs',
      testClock: ctx.clock instanceof TestClock,
      ...(Object.keys(apiClocks).length ? { apiClocks: clockPaths(apiClocks) } : {}),
    });
  });
  app.use('/docs', docsRouter(apis.map((a) => a.name)));
  if (ctx.clock instanceof TestClock) {
    for (const [name, clock] of Object.entries(apiClocks)) app.use(clockPath(name), clockRouter(clock));
    app.use('/__clock', clockRouter(ctx.clock, apiClocks));
  }
  for (const api of apis) mountApi(app, api, contextOf(api));
  app.use((_req, res) => {
    res.status(404).json({ error: 'No API is mounted at this path', apis: apis.map((a) => a.mountPath) });
  });
  return app;
}

/** Where one API's own test clock is mounted. */
const clockPath = (api: string) => `/__clock/${api}`;
const clockPaths = (apiClocks: Record<string, ApiTestClock>) => Object.fromEntries(Object.keys(apiClocks).map((name) => [name, clockPath(name)]));

/**
 * Test clock control: GET answers `{ now }` (the server's clock also each API's own time, `apis`, and where each
 * API's own clock is, `clocks`, which the conformance suite then moves each API's time on); POST
 * `{ "advanceSeconds": n }` moves the clock forward, POST `{ "set": "<RFC 3339>" }` sets it (never backwards: time
 * decisions already taken stay taken).
 */
function clockRouter(clock: TestClock | ApiTestClock, apiClocks: Record<string, ApiTestClock> = {}): express.Router {
  const router = express.Router();
  router.use(express.json());
  const answer = () => ({
    now: clock.now().toISOString(),
    ...(Object.keys(apiClocks).length
      ? {
          apis: Object.fromEntries(Object.entries(apiClocks).map(([name, c]) => [name, c.now().toISOString()])),
          clocks: clockPaths(apiClocks),
        }
      : {}),
  });
  router.get('/', (_req, res) => {
    res.json(answer());
  });
  router.post('/', (req, res) => {
    const body = req.body ?? {};
    if (typeof body.advanceSeconds === 'number' && Number.isFinite(body.advanceSeconds) && body.advanceSeconds >= 0) {
      clock.advance(body.advanceSeconds);
    } else if (typeof body.set === 'string' && !Number.isNaN(Date.parse(body.set))) {
      const to = new Date(body.set);
      if (to < clock.now()) {
        res.status(400).json({ error: 'The test clock never moves backwards' });
        return;
      }
      clock.set(to);
    } else {
      res.status(400).json({ error: 'Send { "advanceSeconds": <non-negative number> } or { "set": "<RFC 3339 date-time>" }' });
      return;
    }
    res.json(answer());
  });
  return router;
}
