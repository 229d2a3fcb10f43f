// Emulates Lambda's asynchronous invocation of a function with an on-failure destination: the event is queued
// and accepted at once (202); a failed run is retried maximumRetryAttempts times with Lambda's delays (1 minute,
// then 2); an event that still fails, or outlives maximumEventAgeSeconds, goes to the destination as an
// invocation record. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../handlers/observability";
import { ReservedConcurrency, withTimeout, writeToDestination } from "./invocation";

/** The record Lambda sends to an on-failure destination of an asynchronous invocation. */
export interface AsyncInvocationRecord {
  readonly version: "1.0";
  readonly timestamp: string;
  readonly requestContext: { requestId: string; functionArn: string; condition: "RetriesExhausted" | "EventAgeExceeded"; approximateInvokeCount: number };
  readonly requestPayload: unknown;
  readonly responseContext: { statusCode: number; executedVersion: string; functionError: "Unhandled" };
  readonly responsePayload: { errorMessage: string; errorType: string; stackTrace: string[] };
}

export interface AsyncInvokerOptions {
  readonly functionArn: string;
  readonly handler: (event: never, context: { awsRequestId: string }) => Promise<unknown>;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailure: (record: AsyncInvocationRecord) => Promise<void>;
  /** The function's reserved concurrency, shared with its other invokers. */
  readonly concurrency: ReservedConcurrency;
  readonly functionTimeoutSeconds: number;
  readonly logger: Logger;
  /** Delay before retry n (1-based); Lambda waits about 1 minute, then 2. */
  readonly retryDelayMs?: (retry: number) => number;
  readonly now?: () => number;
}

export class AsyncInvoker {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  /** Cuts pending retry delays short when stopping. */
  private readonly stopSignal = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: AsyncInvokerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Accepts the event (as Invoke with InvocationType=Event does) and returns its request id. */
  invoke(payload: unknown): string {
    const requestId = randomUUID();
    const run = this.run(payload, requestId)
      .catch((error: Error) => this.options.logger.error({ requestId, reason: error.message }, "asynchronous invocation record lost: destination unreachable"))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return requestId;
  }

  /** Waits for queued events; pending retry delays are cut short so stopping does not wait minutes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await Promise.all(this.running);
  }

  private async run(payload: unknown, requestId: string): Promise<void> {
    const { maximumRetryAttempts, maximumEventAgeSeconds, logger } = this.options;
    const retryDelayMs = this.options.retryDelayMs ?? ((retry: number) => retry * 60_000);
    const log = logger.child({ requestId, function: this.options.functionArn });
    const acceptedAt = this.now();
    let lastError: Error = new Error("not invoked");
    let invocations = 0;
    for (let attempt = 0; attempt <= maximumRetryAttempts; attempt++) {
      if (attempt > 0) {
        const delay = retryDelayMs(attempt);
        if (!this.stopping) await sleep(delay, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
        if ((this.now() - acceptedAt) / 1000 > maximumEventAgeSeconds) return this.fail(payload, requestId, "EventAgeExceeded", invocations, lastError, log);
      }
      const outcome = await this.invokeWhenNotThrottled(payload, requestId, acceptedAt);
      if (outcome === "too-old") return this.fail(payload, requestId, "EventAgeExceeded", invocations, new Error("throttled until the event was too old"), log);
      invocations += 1;
      if (outcome === undefined) return;
      lastError = outcome;
      log.warn({ reason: lastError.message, attempt: invocations }, "asynchronous invocation failed");
    }
    return this.fail(payload, requestId, "RetriesExhausted", invocations, lastError, log);
  }

  /**
   * One invocation; undefined when it succeeded, its error when it failed. A throttled event is not an attempt:
   * Lambda keeps it queued and tries again, backing off, until it is older than maximumEventAgeSeconds.
   */
  private async invokeWhenNotThrottled(payload: unknown, requestId: string, acceptedAt: number): Promise<Error | undefined | "too-old"> {
    const { handler, concurrency, functionTimeoutSeconds, maximumEventAgeSeconds } = this.options;
    try {
      const run = await concurrency.runWhenFree(
        () => withTimeout(handler(payload as never, { awsRequestId: requestId }), functionTimeoutSeconds),
        () => (this.now() - acceptedAt) / 1000 > maximumEventAgeSeconds,
      );
      return run.throttled ? "too-old" : undefined;
    } catch (error) {
      return error as Error;
    }
  }

  private async fail(payload: unknown, requestId: string, condition: AsyncInvocationRecord["requestContext"]["condition"], invocations: number, error: Error, log: Logger): Promise<void> {
    const record: AsyncInvocationRecord = {
      version: "1.0",
      timestamp: new Date(this.now()).toISOString(),
      requestContext: { requestId, functionArn: this.options.functionArn, condition, approximateInvokeCount: invocations },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorMessage: error.message, errorType: error.name, stackTrace: [] },
    };
    log.error({ condition, invocations }, "asynchronous invocation failed for good; sent to the on-failure destination");
    await writeToDestination(() => this.options.onFailure(record), log, (attempt) => attempt >= 10);
  }
}
