// Numbers both the cloud (Pulumi components) and the local pipeline use: one source of truth. No Pulumi import
// here, so the local runner and the handlers' tests can read it without the Pulumi runtime.

/** Ingest functions: sized for HMAC over 256 KiB bodies (memory buys CPU on Lambda). */
export const INGEST = { timeoutSeconds: 10, memoryMb: 512 } as const;

/** Workers and their SQS event source mapping. */
export const WORKER = {
  timeoutSeconds: 30,
  memoryMb: 256,
  batchSize: 10,
  /** The default batching window; a tenant sets its own with `batchWindowSeconds` (config.ts). */
  maximumBatchingWindowSeconds: 1,
  /**
   * The longest window a tenant may set: far below the 300 s queue-age alarm, so a full window never looks like a
   * stalled worker. (AWS allows up to 300 s.) https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   */
  maxBatchingWindowSeconds: 60,
} as const;

/**
 * Asynchronous invocations of the worker (replays): Lambda retries a failed one twice, then sends the event and
 * the error to the on-failure destination. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export const WORKER_ASYNC = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 6 * 3600 } as const;

/**
 * Tenant queues. Visibility timeout at least 6x the worker timeout, as AWS advises for SQS event sources
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html), plus the tenant's batching window
 * (queueVisibilityTimeoutSeconds); after maxReceiveCount failed receives a message moves to the DLQ, kept 14 days
 * (the SQS maximum).
 */
export const QUEUE = {
  visibilityTimeoutSeconds: 6 * WORKER.timeoutSeconds,
  maxReceiveCount: 5,
  messageRetentionSeconds: 4 * 24 * 3600,
  dlqRetentionSeconds: 14 * 24 * 3600,
  /** SQS allows 1 MiB messages since August 2025; the envelope of a 256 KiB binary body needs ~350 KiB. */
  maximumMessageBytes: 1024 * 1024,
} as const;

/**
 * A tenant queue's visibility timeout: 6x the worker timeout (or a local rehearsal's shorter base) plus the batching
 * window. A poller receives a message (its visibility starts) and may hold it for the whole window before the worker
 * runs, so without the window a message could turn visible again mid-batch, be received twice and count a receive
 * towards the DLQ.
 */
export function queueVisibilityTimeoutSeconds(batchWindowSeconds: number, baseSeconds: number = QUEUE.visibilityTimeoutSeconds): number {
  return baseSeconds + batchWindowSeconds;
}

/** The DynamoDB stream consumer and its event source mapping. */
export const STREAM_CONSUMER = {
  timeoutSeconds: 60,
  memoryMb: 256,
  batchSize: 100,
  maximumBatchingWindowSeconds: 1,
  maximumRetryAttempts: 10,
  maximumRecordAgeSeconds: 6 * 3600,
  bisectBatchOnFunctionError: true,
  startingPosition: "TRIM_HORIZON",
  /** Only new events reach the consumer: TTL deletions (REMOVE) and any MODIFY never invoke it. */
  filterPattern: { eventName: ["INSERT"] },
} as const;

/** Failure-destination queues (async worker failures, stream consumer failures): kept the SQS maximum. */
export const FAILURE_QUEUE = { messageRetentionSeconds: 14 * 24 * 3600 } as const;

/** The events table: key attributes and the tenant-by-time index; defined beside the handlers that use it. */
export { EVENTS_TABLE } from "../handlers/core/eventTable";

/**
 * Upper bound of a tenant's maxBodyBytes: a function URL's request payload, 6 MB = 6,291,456 bytes (bodies over
 * the inline threshold go to S3, so neither the item nor the message limits it). Measured, like maxBodyBytes,
 * on the decoded body. A text body (JSON, form, XML: what the function URL passes as text) is as large in the
 * request as decoded, so up to this limit less the rest of the event (headers, request context: a few KB) gets
 * through. A body the function URL passes base64-encoded
 * (any other content type) is counted by the URL after encoding, 4/3 of its size, against the same 6 MB with the
 * rest of the event: such a body cannot exceed ~4.5 MiB (6,291,456 x 3/4 = 4,718,592 bytes, less headers) whatever
 * maxBodyBytes says, and the URL itself answers 413 above that.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (invocation payload, 6 MB)
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (base64 bodies)
 */
export const MAX_BODY_BYTES_LIMIT = 6_291_456;
