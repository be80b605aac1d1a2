import express from 'express';
import type { ApiContext, ApiModule } from './shared/api.js';
import { mountApi } from './shared/api.js';
import { TestClock } from './shared/clock.js';
import { docsRouter } from './shared/docs.js';

/**
 * The reference server: the given APIs mounted at their paths, browsable specs at /docs, and,
 * only when the context's clock is a TestClock, the clock control endpoint at /__clock.
 */
export function createApp(ctx: ApiContext, apis: ApiModule[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/', (_req, res) => {
    res.json({ apis: Object.fromEntries(apis.map((a) => [a.name, a.mountPath])), docs: '/docs', testClock: ctx.clock instanceof TestClock });
  });
  app.use('/docs', docsRouter(apis.map((a) => a.name)));
  if (ctx.clock instanceof TestClock) app.use('/__clock', clockRouter(ctx.clock));
  for (const api of apis) mountApi(app, api, ctx);
  app.use((_req, res) => {
    res.status(404).json({ error: 'No API is mounted at this path', apis: apis.map((a) => a.mountPath) });
  });
  return app;
}

/**
 * Test clock control: GET answers `{ now }`; POST `{ "advanceSeconds": n }` moves the clock forward,
 * POST `{ "set": "<RFC 3339>" }` sets it (never backwards: time decisions already taken stay taken).
 */
function clockRouter(clock: TestClock): express.Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => {
    res.json({ now: clock.now().toISOString() });
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
    res.json({ now: clock.now().toISOString() });
  });
  return router;
}
