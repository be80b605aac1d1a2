/**
 * Optional fulfilment simulator: with ethernetStepSeconds > 0, an order IN_PROGRESS for that many seconds (by
 * the server's clock, so a test clock drives it) becomes COMPLETED. Off by default, so runs are deterministic.
 */
import type { ApiContext } from '../shared/api.js';
import type { EthernetDomain } from './domain.js';

export function startSimulator(domain: EthernetDomain, ctx: ApiContext): () => Promise<void> {
  const step = ctx.config.ethernetStepSeconds;
  if (!(step > 0)) return async () => {};
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? 0 : domain.simulateStep(step)))
      .catch((err) => console.error('[ethernet] simulator step failed:', err));
  }, Math.min(1000, Math.max(50, (step * 1000) / 4)));
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
