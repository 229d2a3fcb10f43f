// Emulates a DynamoDB stream event source mapping with ReportBatchItemFailures, as documented:
// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
// https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
// - One batch per shard at a time, in order; a child shard is read after its parent is finished.
// - Filter criteria drop non-matching records before batching.
// - A batch is up to `batchSize` records, gathered for up to the batching window.
// - A partial batch response checkpoints before the lowest failed sequence number and retries from there.
// - A function error retries the batch; with bisect on, the batch is split in two and each half retried.
// - Every retry counts toward maximumRetryAttempts; a batch out of attempts (or too old) is skipped and its
//   description sent to the on-failure destination.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue,
  type DynamoDBStreamsClient,
  type _Record,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { Logger } from "../handlers/observability";
import { ReservedConcurrency, withTimeout, writeToDestination } from "./invocation";
import { LOCAL_REGION } from "./servers";

type LambdaAttribute = Record<string, unknown>;

/** The stream API returns binary as bytes; Lambda's event JSON carries it as base64 text. */
export function lambdaAttributeValue(value: AttributeValue): LambdaAttribute {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString("base64")) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttributeValue) };
  const { $unknown: _unknown, ...rest } = value as AttributeValue & { $unknown?: unknown };
  return rest as LambdaAttribute;
}

function lambdaImage(image: Record<string, AttributeValue> | undefined): Record<string, LambdaAttribute> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, lambdaAttributeValue(value)]));
}

/** A record of the stream API turned into the record of a Lambda DynamoDB stream event. */
export function toStreamEventRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord["eventName"],
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ApproximateCreationDateTime: data.ApproximateCreationDateTime ? Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) : undefined,
      Keys: lambdaImage(data.Keys) as never,
      NewImage: lambdaImage(data.NewImage) as never,
      OldImage: lambdaImage(data.OldImage) as never,
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as NonNullable<DynamoDBRecord["dynamodb"]>["StreamViewType"],
    },
    eventSourceARN: streamArn,
  };
}

export type FilterPattern = { readonly [key: string]: readonly (string | number | boolean | null)[] | FilterPattern };

/** Event filtering with exact-value patterns (the subset the program uses; anything else is refused up front). */
export function matchesFilter(event: unknown, pattern: FilterPattern): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = (event as Record<string, unknown> | null | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!expected.some((value) => value === actual)) return false;
    } else if (!matchesFilter(actual, expected as FilterPattern)) return false;
  }
  return true;
}

export function assertSupportedFilter(pattern: FilterPattern, path = ""): void {
  for (const [key, expected] of Object.entries(pattern)) {
    if (Array.isArray(expected)) {
      const literal = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);
      if (!expected.every(literal)) throw new Error(`filter ${path}${key}: only exact-value matching is emulated locally`);
    } else if (typeof expected === "object" && expected !== null) assertSupportedFilter(expected as FilterPattern, `${path}${key}.`);
    else throw new Error(`filter ${path}${key}: a pattern value must be an array or an object`);
  }
}

export interface StreamBatchResult {
  readonly batchItemFailures?: readonly { readonly itemIdentifier?: unknown }[];
}

export type StreamInvokeOutcome = { ok: true; result: StreamBatchResult | void | null } | { ok: false; error: Error };

/**
 * What a function's answer means for the batch: done, retry from a record on, or a function error. An invalid
 * itemIdentifier (missing, empty, not a sequence number of the batch) makes Lambda retry the whole batch.
 */
export function nextAfter(records: readonly DynamoDBRecord[], outcome: StreamInvokeOutcome): { kind: "done" } | { kind: "retryFrom"; index: number } | { kind: "error" } {
  if (!outcome.ok) return { kind: "error" };
  const failures: unknown = outcome.result?.batchItemFailures ?? [];
  // A response Lambda cannot read as a partial batch response (batchItemFailures not a list) fails the batch.
  if (!Array.isArray(failures)) return { kind: "retryFrom", index: 0 };
  if (failures.length === 0) return { kind: "done" };
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    const index = typeof id === "string" && id !== "" ? records.findIndex((record) => record.dynamodb?.SequenceNumber === id) : -1;
    if (index < 0) return { kind: "retryFrom", index: 0 };
    lowest = Math.min(lowest, index);
  }
  return { kind: "retryFrom", index: lowest };
}

/** What the on-failure destination receives for skipped records (metadata only, as on AWS). */
export interface StreamFailureRecord {
  readonly requestContext: { requestId: string; functionArn: string; condition: "RetryAttemptsExhausted" | "RecordAgeExceeded"; approximateInvokeCount: number };
  readonly responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  readonly version: "1.0";
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface StreamMappingOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly functionArn: string;
  readonly handler: (event: DynamoDBStreamEvent, context: { awsRequestId: string; getRemainingTimeInMillis(): number }) => Promise<StreamBatchResult | void | null>;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly filterPattern?: FilterPattern;
  readonly functionTimeoutSeconds: number;
  /** The consumer's reserved concurrency: batches of different shards run in parallel up to it. */
  readonly concurrency: ReservedConcurrency;
  readonly onFailure: (record: StreamFailureRecord) => Promise<void>;
  readonly logger: Logger;
  /** Backoff between retries of a failed batch. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** How often an idle shard is polled (Lambda polls each shard about four times a second). */
  readonly pollIntervalMs?: number;
  readonly now?: () => number;
}

export const defaultStreamRetryDelayMs = (attempt: number): number => Math.min(200 * 2 ** (attempt - 1), 5_000);

export type SkipCondition = StreamFailureRecord["requestContext"]["condition"];

export interface DeliveryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly invoke: (records: DynamoDBRecord[]) => Promise<StreamInvokeOutcome>;
  /** Records given up on: described to the on-failure destination, then the checkpoint moves past them. */
  readonly skip: (records: DynamoDBRecord[], condition: SkipCondition, invokeCount: number, functionError: string | undefined) => Promise<void>;
  readonly onRetry?: (records: DynamoDBRecord[], attempt: number, error: Error | undefined) => void;
  readonly delay: (attempt: number) => Promise<void>;
  /** When true, no further retry starts: the checkpoint stays before the records, as when a mapping is disabled. */
  readonly stopping: () => boolean;
  readonly now: () => number;
}

/**
 * One batch of one shard, through Lambda's retry rules: records older than maximumRecordAgeSeconds are skipped;
 * a partial failure retries from the lowest failed record; a function error retries the batch, split in two when
 * bisecting; every retry (split or not) counts toward maximumRetryAttempts, after which the records are skipped.
 */
export async function deliverWithRetries(batch: DynamoDBRecord[], policy: DeliveryPolicy): Promise<void> {
  const queue: Pending[] = [{ records: batch, attempts: 0 }];
  while (queue.length > 0) {
    const pending = queue[0]!;
    const cutoff = policy.now() / 1000 - policy.maximumRecordAgeSeconds;
    const tooOld = pending.records.filter((record) => (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) < cutoff);
    if (tooOld.length > 0) {
      await policy.skip(tooOld, "RecordAgeExceeded", pending.attempts, undefined);
      pending.records = pending.records.filter((record) => !tooOld.includes(record));
      if (pending.records.length === 0) {
        queue.shift();
        continue;
      }
    }
    const outcome = await policy.invoke(pending.records);
    const next = nextAfter(pending.records, outcome);
    if (next.kind === "done") {
      queue.shift();
      continue;
    }
    pending.attempts += 1;
    if (next.kind === "retryFrom") pending.records = pending.records.slice(next.index);
    if (pending.attempts > policy.maximumRetryAttempts) {
      await policy.skip(pending.records, "RetryAttemptsExhausted", pending.attempts, outcome.ok ? undefined : "Unhandled");
      queue.shift();
      continue;
    }
    policy.onRetry?.(pending.records, pending.attempts, outcome.ok ? undefined : outcome.error);
    if (next.kind === "error" && policy.bisectBatchOnFunctionError && pending.records.length > 1) {
      const half = Math.ceil(pending.records.length / 2);
      queue.splice(0, 1, { records: pending.records.slice(0, half), attempts: pending.attempts }, { records: pending.records.slice(half), attempts: pending.attempts });
    }
    if (policy.stopping()) return;
    await policy.delay(pending.attempts);
  }
}

interface Pending {
  records: DynamoDBRecord[];
  attempts: number;
}

export class DynamoStreamEventSourceMapping {
  private stopping = false;
  private readonly readers = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();
  private discovery?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: StreamMappingOptions) {
    if (options.filterPattern) assertSupportedFilter(options.filterPattern);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.discovery = this.discover();
  }

  /** Stops reading; the batch being processed finishes (no further retries), then every reader resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.discovery;
    await Promise.all(this.readers.values());
  }

  private async discover(): Promise<void> {
    const log = this.options.logger.child({ stream: this.options.streamArn });
    while (!this.stopping) {
      try {
        const shards = [];
        let start: string | undefined;
        do {
          const page = await this.options.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
          shards.push(...(page.StreamDescription?.Shards ?? []));
          start = page.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        const known = new Set(shards.map((shard) => shard.ShardId!));
        for (const shard of shards) {
          const id = shard.ShardId!;
          if (this.readers.has(id)) continue;
          const parent = shard.ParentShardId;
          // Order across a split: a child's records come after its parent's, so it waits for the parent.
          if (parent && known.has(parent) && !this.finished.has(parent)) continue;
          const shardLog = log.child({ shard: id });
          // A reader ends in an error only when stopping gave up on an on-failure destination write: logged here
          // (that batch's failure record is lost) so it never surfaces as an unhandled rejection before stop()
          // collects the readers, which would crash `npm start` on its way down.
          this.readers.set(
            id,
            this.readShard(id, shardLog).catch((error: Error) => shardLog.error({ reason: error.message }, "shard reader stopped; the failed batch's on-failure record was not written")),
          );
        }
      } catch (error) {
        log.warn({ reason: (error as Error).message }, "describe stream failed; retrying");
      }
      await sleep(1_000);
    }
  }

  private async readShard(shardId: string, log: Logger): Promise<void> {
    const { client, streamArn, batchSize, maximumBatchingWindowSeconds } = this.options;
    const pollMs = this.options.pollIntervalMs ?? 250;
    let iterator: string | undefined;
    // Where to (re)start reading: a new iterator after the last record read, when the old one expired.
    let lastSequenceNumber: string | undefined;
    let backoffMs = 100;
    const buffer: DynamoDBRecord[] = [];
    let firstBufferedAt = 0;
    let closed = false;
    while (!this.stopping) {
      try {
        if (!closed && buffer.length < batchSize) {
          iterator ??= (
            await client.send(
              new GetShardIteratorCommand(
                lastSequenceNumber === undefined
                  ? { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }
                  : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: lastSequenceNumber },
              ),
            )
          ).ShardIterator;
          if (!iterator) closed = true;
          else {
            const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
            for (const raw of page.Records ?? []) {
              lastSequenceNumber = raw.dynamodb?.SequenceNumber ?? lastSequenceNumber;
              const record = toStreamEventRecord(raw, streamArn);
              if (this.options.filterPattern && !matchesFilter(record, this.options.filterPattern)) continue;
              if (buffer.length === 0) firstBufferedAt = this.now();
              buffer.push(record);
            }
            iterator = page.NextShardIterator;
            // No next iterator: the shard is closed and fully read.
            if (!iterator) closed = true;
          }
        }
        backoffMs = 100;
      } catch (error) {
        // Iterators expire 15 minutes after they are issued: take a new one from the last record read.
        if ((error as Error).name === "ExpiredIteratorException") iterator = undefined;
        log.warn({ reason: (error as Error).message }, "get records failed; backing off");
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
        continue;
      }
      const windowOver = this.now() - firstBufferedAt >= maximumBatchingWindowSeconds * 1000;
      if (buffer.length > 0 && (buffer.length >= batchSize || windowOver || closed)) {
        await this.deliver(shardId, buffer.splice(0, batchSize), log);
        if (buffer.length > 0) firstBufferedAt = this.now();
        continue;
      }
      if (closed && buffer.length === 0) break;
      await sleep(pollMs);
    }
    if (closed && buffer.length === 0) this.finished.add(shardId);
  }

  private async invoke(records: DynamoDBRecord[]): Promise<StreamInvokeOutcome> {
    const timeoutMs = this.options.functionTimeoutSeconds * 1000;
    // A throttled invocation (the consumer's reserved concurrency in use by other shards) waits for a slot; it is
    // not a function error and does not spend a retry.
    try {
      const run = await this.options.concurrency.runWhenFree(() => {
        const started = this.now();
        const context = { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (this.now() - started)) };
        return withTimeout(this.options.handler({ Records: records }, context), this.options.functionTimeoutSeconds);
      });
      return run.throttled ? { ok: false, error: new Error("throttled") } : { ok: true, result: run.value };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  private async deliver(shardId: string, batch: DynamoDBRecord[], log: Logger): Promise<void> {
    await deliverWithRetries(batch, {
      maximumRetryAttempts: this.options.maximumRetryAttempts,
      maximumRecordAgeSeconds: this.options.maximumRecordAgeSeconds,
      bisectBatchOnFunctionError: this.options.bisectBatchOnFunctionError,
      invoke: (records) => this.invoke(records),
      skip: (records, condition, invokeCount, functionError) => this.sendToFailureDestination(shardId, records, condition, invokeCount, functionError, log),
      onRetry: (records, attempt, error) => log.warn({ reason: error?.message, records: records.length, attempt }, "stream batch failed; retrying"),
      delay: (attempt) => sleep((this.options.retryDelayMs ?? defaultStreamRetryDelayMs)(attempt)).then(() => undefined),
      stopping: () => this.stopping,
      now: this.now,
    });
  }

  private async sendToFailureDestination(shardId: string, records: DynamoDBRecord[], condition: StreamFailureRecord["requestContext"]["condition"], invokeCount: number, functionError: string | undefined, log: Logger): Promise<void> {
    const first = records[0]!.dynamodb!;
    const last = records[records.length - 1]!.dynamodb!;
    const arrival = (seconds?: number) => new Date((seconds ?? 0) * 1000).toISOString();
    const failure: StreamFailureRecord = {
      requestContext: { requestId: randomUUID(), functionArn: this.options.functionArn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", ...(functionError ? { functionError } : {}) },
      version: "1.0",
      timestamp: new Date(this.now()).toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber!,
        endSequenceNumber: last.SequenceNumber!,
        approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
    };
    log.error({ condition, records: records.length, startSequenceNumber: first.SequenceNumber }, "stream records skipped; described in the on-failure destination");
    await writeToDestination(() => this.options.onFailure(failure), log, (attempt) => this.stopping && attempt >= 3);
  }
}
