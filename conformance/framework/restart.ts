import { spawn } from 'node:child_process';
import { CheckAborted, NotRun } from './violation.js';

/** How the suite asks the vendor's server to restart (like the test clock, optional). */
export interface RestartHook {
  /** POSTed to; answers 2xx once the server has restarted. */
  url?: string;
  /** Run with the shell; exits 0 once the server has restarted. */
  command?: string;
}

export const RESTART_REMEDY = 'give --restart-url or --restart-command (a way for the suite to restart your server)';

/**
 * Restarts the server under test through the vendor's hook, then waits until each base URL answers
 * again. The restart is the server's time, not the check's: the caller's budget grows by it.
 */
export async function restartServer(hook: RestartHook | undefined, baseUrls: string[], options: { signal: AbortSignal; timeoutMs: number; onWait: (ms: number) => void }): Promise<void> {
  if (!hook?.url && !hook?.command) throw new NotRun('needs the server to restart', RESTART_REMEDY);
  const started = Date.now();
  // Counted as it goes, not only at the end: the check's budget timer may fire while the server is still coming back.
  let counted = 0;
  const count = () => {
    const elapsed = Date.now() - started;
    options.onWait(elapsed - counted);
    counted = elapsed;
  };
  const ticker = setInterval(count, 250);
  try {
    if (hook.url) {
      const res = await fetch(hook.url, { method: 'POST', signal: options.signal }).catch((err) => {
        if (options.signal.aborted) throw new CheckAborted();
        throw new NotRun(`the restart hook ${hook.url} did not answer: ${err?.cause?.code ?? err?.message ?? err}`, 'check --restart-url');
      });
      if (!res.ok) throw new NotRun(`the restart hook ${hook.url} answered ${res.status}`, 'check --restart-url');
    } else {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(hook.command!, { shell: true, stdio: 'ignore', signal: options.signal });
        child.once('error', (err) => (options.signal.aborted ? reject(new CheckAborted()) : reject(err)));
        child.once('exit', resolve);
      });
      if (code !== 0) throw new NotRun(`the restart command exited with ${code}`, 'check --restart-command');
    }
    // Back when every API answers anything at all (within --timeout).
    for (const url of baseUrls) {
      const deadline = Date.now() + options.timeoutMs;
      for (;;) {
        if (options.signal.aborted) throw new CheckAborted();
        const answered = await fetch(url, { signal: AbortSignal.any([options.signal, AbortSignal.timeout(1000)]) }).then(
          () => true,
          () => false,
        );
        if (answered) break;
        if (Date.now() > deadline) throw new NotRun(`${url} did not answer within ${options.timeoutMs} ms of the restart`, 'check the restart hook');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    clearInterval(ticker);
    count();
  }
}
