import type { ActivationDomain } from './domain.js';

/**
 * Provisioning worker: every `intervalMs` of real time it finishes every order that is due by the
 * domain's clock (so a test clock drives it). Returns a function that stops it and waits for the
 * pass in progress.
 */
export function startWorker(domain: ActivationDomain, intervalMs = 25): () => Promise<void> {
  let stopped = false;
  let pass: Promise<void> | undefined;
  const run = async () => {
    try {
      while (!stopped && (await domain.finishOne()));
    } catch (err) {
      if (!stopped) console.error('[activation] provisioning worker:', err);
    }
  };
  const timer = setInterval(() => {
    if (!pass) pass = run().finally(() => (pass = undefined));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await pass;
  };
}
