// Emulates an SQS event source mapping with ReportBatchItemFailures, as documented:
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
// - Pollers receive up to `batchSize` messages, waiting up to the batching window to fill a batch.
// - At most `maximumConcurrency` batches are in the function at once.
// - A batch that throws (or times out) is left alone: every message becomes visible again after the queue's
//   visibility timeout. A partial batch response deletes the rest; an invalid one counts as a total failure.
// - Redrive to the DLQ after maxReceiveCount is the queue's own job (the SQS server does it, as on AWS).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { Logger } from "../handlers/observability";
import { sqsRecord } from "./events";
import { ReservedConcurrency, withTimeout } from "./invocation";

export interface SqsBatchResult {
  readonly batchItemFailures?: readonly { readonly itemIdentifier?: unknown }[];
}

export interface SqsMappingOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: (event: SQSEvent, context: { awsRequestId: string }) => Promise<SqsBatchResult | void | null>;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumConcurrency: number;
  /** The function's timeout: a batch still running after it counts as failed. */
  readonly functionTimeoutSeconds: number;
  /** The worker's reserved concurrency, shared with its other invokers. */
  readonly concurrency: ReservedConcurrency;
  readonly logger: Logger;
  /** Longest pause between polls of an empty queue (Lambda long-polls; this is its local stand-in). */
  readonly idleMaxMs?: number;
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  return sqsRecord({ messageId: message.MessageId!, receiptHandle: message.ReceiptHandle!, body: message.Body ?? "", md5OfBody: message.MD5OfBody, attributes: message.Attributes, queueArn });
}

/**
 * Which messages of a batch to delete, from the function's answer. Lambda treats the batch as a total failure
 * when an itemIdentifier is missing, empty or not a message of the batch.
 */
export function messagesToDelete(records: readonly SQSRecord[], outcome: { ok: true; result: SqsBatchResult | void | null } | { ok: false }): SQSRecord[] {
  if (!outcome.ok) return [];
  const failures: unknown = outcome.result?.batchItemFailures ?? [];
  // A response Lambda cannot read as a partial batch response (batchItemFailures not a list) fails the batch.
  if (!Array.isArray(failures)) return [];
  const ids = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !ids.has(id)) return [];
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

const IDLE_START_MS = 20;

export class SqsEventSourceMapping {
  private stopping = false;
  private readonly pollers: Promise<void>[] = [];
  private throttles = 0;

  constructor(private readonly options: SqsMappingOptions) {}

  /** Batches throttled because the function's reserved concurrency was taken. */
  get stats(): { throttles: number } {
    return { throttles: this.throttles };
  }

  start(): void {
    for (let i = 0; i < this.options.maximumConcurrency; i++) this.pollers.push(this.poll(i));
  }

  /** Stops receiving, finishes the batches already received (drain), resolves when every poller is done. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pollers);
  }

  private async poll(poller: number): Promise<void> {
    const log = this.options.logger.child({ poller, queue: this.options.queueArn });
    let backoffMs = 100;
    const idle = { ms: IDLE_START_MS };
    while (!this.stopping) {
      try {
        const batch = await this.gatherBatch(idle);
        backoffMs = 100;
        if (batch.length > 0) await this.invoke(batch, log);
      } catch (error) {
        // A receive that failed: Lambda's pollers back off and try again.
        log.warn({ reason: (error as Error).message }, "sqs poll failed; backing off");
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  private async receive(max: number, waitTimeSeconds: number): Promise<SQSRecord[]> {
    const result = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitTimeSeconds,
        // local-aws-sqs reports the receive count only through AttributeNames.
        AttributeNames: ["All"],
      }),
    );
    return (result.Messages ?? []).map((message) => toSqsRecord(message, this.options.queueArn));
  }

  private async gatherBatch(idle: { ms: number }): Promise<SQSRecord[]> {
    const { batchSize, maximumBatchingWindowSeconds } = this.options;
    // Short polls, not long polls: local-aws-sqs holds a long poll until it has MaxNumberOfMessages or the wait is
    // over, while SQS answers as soon as messages are there; a held poll would also run down the visibility timeout
    // of what it already took. An empty queue is polled less and less often, at most every idleMaxMs.
    const batch = await this.receive(batchSize, 0);
    if (batch.length === 0) {
      await sleep(idle.ms);
      idle.ms = Math.min(idle.ms * 2, this.options.idleMaxMs ?? 500);
      return batch;
    }
    idle.ms = IDLE_START_MS;
    const windowEnds = Date.now() + maximumBatchingWindowSeconds * 1000;
    // Keep what has been received even when stopping: it is handed to the function, not abandoned.
    while (batch.length < batchSize && Date.now() < windowEnds && !this.stopping) {
      let more: SQSRecord[];
      try {
        more = await this.receive(batchSize - batch.length, 0);
      } catch {
        break; // Invoke with what is in hand rather than drop it back to the queue.
      }
      batch.push(...more);
      if (more.length === 0) await sleep(Math.min(50, Math.max(0, windowEnds - Date.now())));
    }
    return batch;
  }

  private async invoke(records: SQSRecord[], log: Logger): Promise<void> {
    const { handler, functionTimeoutSeconds, concurrency } = this.options;
    let outcome: { ok: true; result: SqsBatchResult | void | null } | { ok: false };
    try {
      const run = await concurrency.run(() => withTimeout(handler({ Records: records }, { awsRequestId: randomUUID() }), functionTimeoutSeconds));
      if (run.throttled) {
        // The function's reserved concurrency is taken (by asynchronous invocations): the batch is throttled and
        // returns after the visibility timeout, its receive count spent. Why maximumConcurrency must not exceed
        // the reservation. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
        this.throttles += 1;
        log.warn({ records: records.length }, "worker throttled; the batch returns to the queue after the visibility timeout");
        outcome = { ok: false };
      } else outcome = { ok: true, result: run.value };
    } catch (error) {
      log.warn({ reason: (error as Error).message, records: records.length }, "worker invocation failed; the batch returns to the queue after the visibility timeout");
      outcome = { ok: false };
    }
    const done = messagesToDelete(records, outcome);
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      try {
        const result = await this.options.client.send(
          new DeleteMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: chunk.map((record, n) => ({ Id: String(n), ReceiptHandle: record.receiptHandle })) }),
        );
        if (result.Failed?.length) log.warn({ failed: result.Failed.length }, "some deletes failed; those messages will be delivered again");
      } catch (error) {
        // Not deleted means delivered again later; the worker's conditional write makes that harmless.
        log.warn({ reason: (error as Error).message, records: chunk.length }, "delete failed; those messages will be delivered again");
      }
    }
  }
}
