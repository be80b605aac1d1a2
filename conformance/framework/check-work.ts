/**
 * Work a check starts besides its own steps (a reader following the feed while orders finish, requests sent at
 * once). It belongs to the check: a rejection anywhere is kept and becomes the check's outcome, never a promise
 * nobody listens to. The runner ends the check as soon as any of its work fails, and waits for the rest before it
 * reports a pass.
 */
export class CheckWork {
  /** The first error of the check or of any of its work, in the order they happened. */
  first?: { error: unknown; what?: string };
  /** Resolves when some background work fails (the check's own steps report through the runner). */
  readonly failed: Promise<void>;
  private signalFailed!: () => void;
  private readonly running = new Map<Promise<unknown>, string>();

  constructor() {
    this.failed = new Promise((resolve) => (this.signalFailed = resolve));
  }

  /** Keeps `error` unless an earlier one is already kept. */
  record(error: unknown, what?: string): void {
    if (!this.first) this.first = { error, what };
  }

  /**
   * Starts `work` in the background. The handle's `result()` waits for it (and throws its error, already kept
   * as the check's outcome); not asking for the result is safe: the runner waits for it when the check's own
   * steps are done.
   */
  start<T>(what: string, work: () => Promise<T>): { result(): Promise<T> } {
    const promise = (async () => work())();
    this.running.set(promise, what);
    promise.then(
      () => this.running.delete(promise),
      (error) => {
        this.running.delete(promise);
        this.record(error, what);
        this.signalFailed();
      },
    );
    return { result: () => promise };
  }

  /** What is still running, by the name it was started with. */
  pending(): string[] {
    return [...this.running.values()];
  }

  /** Resolves once every piece of work started so far (and any it started in turn) has settled. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.keys()]);
  }
}

/**
 * Like Promise.all, but waits for every promise to settle before it answers, and throws the first error by time:
 * nothing is left running unobserved behind an early failure, and the failure reported is the one that came first.
 */
export async function together<T extends readonly unknown[]>(values: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    values.map((v) =>
      Promise.resolve(v).catch((error) => {
        first ??= { error };
        throw error;
      }),
    ),
  );
  if (first) throw first.error;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
