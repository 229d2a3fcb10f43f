import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../handlers/observability";

// How Lambda runs one invocation: within the function's reserved concurrency, and no longer than its timeout.
//
// A function's reserved concurrency: every invoker of the function (its function URL, its event source
// mapping, asynchronous invocations) draws from the same slots, and an invocation beyond them is throttled.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
export class ReservedConcurrency {
  private used = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`reserved concurrency must be a positive integer, got ${limit}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot if one is free; false means the invocation is throttled. */
  tryAcquire(): boolean {
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  release(): void {
    if (this.used === 0) throw new Error("release without acquire");
    this.used -= 1;
  }

  /**
   * Runs `work` once a slot is free, polling with backoff, as Lambda retries a throttled event source or
   * asynchronous invocation (a throttle is not a function error). Returns `throttled` only when `giveUp` says so.
   */
  async runWhenFree<T>(work: () => Promise<T>, giveUp: () => boolean = () => false): Promise<{ throttled: true } | { throttled: false; value: T }> {
    for (let waitMs = 50; ; waitMs = Math.min(waitMs * 2, 1_000)) {
      const run = await this.run(work);
      if (!run.throttled || giveUp()) return run;
      await sleep(waitMs);
    }
  }

  /** Runs `work` in a slot, or returns `throttled` without running it. */
  async run<T>(work: () => Promise<T>): Promise<{ throttled: true } | { throttled: false; value: T }> {
    if (!this.tryAcquire()) return { throttled: true };
    try {
      return { throttled: false, value: await work() };
    } finally {
      this.release();
    }
  }
}

/**
 * Writes a record to an on-failure destination, retrying with backoff: a destination write that is dropped would
 * lose the record without a trace. Throws once `giveUp(attempt)` says so after a failed attempt.
 */
export async function writeToDestination(write: () => Promise<void>, log: Logger, giveUp: (attempt: number) => boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      log.warn({ reason: (error as Error).message, attempt }, "on-failure destination write failed; retrying");
      if (giveUp(attempt)) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 5_000));
    }
  }
}

/** A function's timeout: past it the invocation fails with Lambda's message (the caller treats it as an error). */
export async function withTimeout<T>(work: Promise<T>, timeoutSeconds: number | undefined): Promise<T> {
  if (timeoutSeconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutSeconds} seconds`)), timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
