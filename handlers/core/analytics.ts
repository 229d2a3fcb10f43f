// DynamoDB stream image -> analytics record -> Kinesis entries in chunks within the PutRecords limits, with
// retries of only the failed entries. Pure over a KinesisPort; sleep and randomness are injected.
// Limits: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
import { isUtf8 } from "node:buffer";
import { sha256Hex } from "./crypto";
import { PublishError } from "./errors";
import { storedEventHeadOf } from "./eventItem";
import { bodyFromStored } from "./storedBody";

export const KINESIS_LIMITS = {
  /** Records per PutRecords call. */
  maxRecordsPerCall: 500,
  /** Bytes per call, data plus partition keys. */
  maxBytesPerCall: 5 * 1024 * 1024,
  /** Bytes per record, data plus partition key. */
  maxBytesPerRecord: 1024 * 1024,
  /** Partition key length in Unicode characters. */
  maxPartitionKeyLength: 256,
} as const;

export type KinesisLimits = { readonly [K in keyof typeof KINESIS_LIMITS]: number };

/** The subset of a DynamoDB stream attribute value (Lambda event JSON) the consumer reads. */
export interface StreamAttribute {
  readonly S?: string;
  readonly N?: string;
  /** Base64, as Lambda delivers binary attributes in stream events. */
  readonly B?: string;
  readonly M?: Readonly<Record<string, StreamAttribute>>;
  readonly L?: readonly StreamAttribute[];
}

export interface AnalyticsRecord {
  readonly tenant: string;
  readonly eventId: string;
  readonly receivedAt: string;
  readonly scheme: string;
  /** The kept request headers (content type, event type, ...). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Names among `headers` the signature does not cover: a consumer must not trust them as the sender's. */
  readonly unsignedHeaders?: readonly string[];
  /** The sender's delivery id, metadata only (unsigned for GitHub, Shopify, Twilio). */
  readonly deliveryId?: string;
  /** Twilio: the URL the signature covers. */
  readonly signedUrl?: string;
  readonly size: number;
  /**
   * A body over the inline threshold: where it is (the bodies bucket), instead of `payload`. Such a body can be up
   * to 6 MB, over Kinesis' 1 MiB record, so it never travels in the record; readers fetch it from S3.
   */
  readonly bodyPointer?: { readonly bucket: string; readonly key: string; readonly size: number; readonly sha256: string };
  readonly payloadEncoding?: "utf8" | "base64";
  readonly payload?: string;
  readonly payloadOmitted?: true;
}

/** Reads an events-table image of either layout (eventItem.ts); undefined when it is not an event item (nothing to publish). */
export function analyticsRecordOf(image: Readonly<Record<string, StreamAttribute>> | undefined): AnalyticsRecord | undefined {
  if (!image) return undefined;
  const head = storedEventHeadOf(image);
  if (head === undefined) return undefined;
  const pointer = image.bodyPointer?.M;
  const stored = image.body?.B !== undefined ? Buffer.from(image.body.B, "base64") : Buffer.alloc(0);
  // A gzip'ed body (storedBody.ts) is published as received; one that does not gunzip to its size is damaged.
  const body = bodyFromStored(stored, image.bodyEncoding?.S, Number(image.size?.N));
  if (body === undefined) return undefined;
  // The head's fields in its order (tenant, eventId, receivedAt, scheme, headers, unsignedHeaders, deliveryId?,
  // signedUrl?), the time as ISO text in its place.
  return { ...head, receivedAt: new Date(head.receivedAt).toISOString(), ...(pointer !== undefined ? pointerFields(pointer) : inlineFields(body)) };
}

/** Why analyticsRecordOf refused an image, for the consumer's log line (the on-call engineer's first clue). */
export function malformedImageReason(image: Readonly<Record<string, StreamAttribute>> | undefined): string {
  if (!image) return "no new image";
  if (storedEventHeadOf(image) === undefined) return "missing tenant, event id, scheme or time";
  return `stored body does not decode to its size (bodyEncoding ${image.bodyEncoding?.S ?? "none"}, size ${image.size?.N ?? "missing"})`;
}

function pointerFields(m: Readonly<Record<string, StreamAttribute>>): Pick<AnalyticsRecord, "size" | "bodyPointer"> {
  const size = Number(m.size?.N);
  return { size, bodyPointer: { bucket: m.bucket?.S ?? "", key: m.key?.S ?? "", size, sha256: m.sha256?.S ?? "" } };
}

function inlineFields(body: Buffer): Pick<AnalyticsRecord, "size" | "payloadEncoding" | "payload"> {
  const text = isUtf8(body);
  return { size: body.length, payloadEncoding: text ? "utf8" : "base64", payload: body.toString(text ? "utf8" : "base64") };
}

export interface KinesisEntry<Ref = string> {
  readonly partitionKey: string;
  readonly data: Buffer;
  /** What a failure is reported by: the stream record's sequence number. */
  readonly ref: Ref;
}

/**
 * Partition key: tenant and event id. Per-event keys spread every tenant evenly over the shards, so a busy
 * tenant cannot make one shard hot (1 MiB/s, 1,000 records/s each); the price is no ordering across one
 * tenant's events, which analytics does not need: each record carries its receivedAt. A redelivered event
 * keeps its key, so it lands on the same shard and downstream dedup by eventId stays local.
 */
export function partitionKeyOf(record: Pick<AnalyticsRecord, "tenant" | "eventId">, limits: KinesisLimits = KINESIS_LIMITS): string {
  const key = `${record.tenant}:${record.eventId}`;
  return key.length <= limits.maxPartitionKeyLength ? key : `${record.tenant}:${sha256Hex(Buffer.from(record.eventId))}`;
}

export function entryBytes(entry: Pick<KinesisEntry<unknown>, "partitionKey" | "data">): number {
  return entry.data.length + Buffer.byteLength(entry.partitionKey, "utf8");
}

/** Compact JSON; the payload is dropped (and flagged) when the record would not fit in one Kinesis record. */
export function kinesisEntryOf<Ref>(record: AnalyticsRecord, ref: Ref, limits: KinesisLimits = KINESIS_LIMITS): KinesisEntry<Ref> {
  const partitionKey = partitionKeyOf(record, limits);
  const full = { partitionKey, data: Buffer.from(JSON.stringify(record)), ref };
  if (entryBytes(full) <= limits.maxBytesPerRecord) return full;
  const { payload: _payload, payloadEncoding: _encoding, ...rest } = record;
  return { partitionKey, data: Buffer.from(JSON.stringify({ ...rest, payloadOmitted: true })), ref };
}

/** Splits entries, in order, into PutRecords calls within the count and byte limits. */
export function chunkEntries<Ref>(entries: readonly KinesisEntry<Ref>[], limits: KinesisLimits = KINESIS_LIMITS): KinesisEntry<Ref>[][] {
  const chunks: KinesisEntry<Ref>[][] = [];
  let current: KinesisEntry<Ref>[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry);
    if (size > limits.maxBytesPerRecord) throw new RangeError(`entry of ${size} bytes exceeds the ${limits.maxBytesPerRecord}-byte record limit`);
    if (current.length === limits.maxRecordsPerCall || bytes + size > limits.maxBytesPerCall) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface KinesisPort {
  /**
   * One PutRecords call. Resolves with one answer per entry: null where Kinesis accepted it, else why not (its
   * ErrorCode: ProvisionedThroughputExceededException or InternalFailure) when the call itself succeeded;
   * rejects when the whole call failed (KMS errors among them). Anything but null (a missing answer included) is a
   * failure. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
   */
  putRecords(entries: readonly KinesisEntry<unknown>[]): Promise<readonly (string | null)[]>;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): full jitter. */
  readonly random: () => number;
  /** False when the invocation is running out of time: stop retrying and report what is left. */
  readonly hasTimeFor?: (delayMs: number) => boolean;
}

export interface PublishResult<Ref> {
  readonly published: number;
  readonly failed: KinesisEntry<Ref>[];
  readonly attempts: number;
  readonly callErrors: unknown[];
  /**
   * Why the entries in `failed` failed, counted by their last failure: Kinesis' per-record ErrorCode, or the name
   * of the error a whole call failed with. On-call reads throttling (shards) apart from KMS or internal errors.
   */
  readonly errorCodes: Readonly<Record<string, number>>;
}

/**
 * Sends every entry; retries only the entries that failed, with exponential backoff and full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). What still fails after the
 * last attempt is returned, for the caller to report as batch item failures.
 */
export async function publishWithRetry<Ref>(
  entries: readonly KinesisEntry<Ref>[],
  port: KinesisPort,
  policy: RetryPolicy,
  limits: KinesisLimits = KINESIS_LIMITS,
): Promise<PublishResult<Ref>> {
  let pending = [...entries];
  let attempts = 0;
  const callErrors: unknown[] = [];
  const lastFailure = new Map<KinesisEntry<Ref>, string>();
  while (pending.length > 0 && attempts < policy.maxAttempts) {
    if (attempts > 0) {
      const delay = policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempts);
      if (policy.hasTimeFor && !policy.hasTimeFor(delay)) break;
      await policy.sleep(delay);
    }
    attempts += 1;
    const failed: KinesisEntry<Ref>[] = [];
    for (const chunk of chunkEntries(pending, limits)) {
      try {
        const answers = await port.putRecords(chunk);
        chunk.forEach((entry, index) => {
          const answer = answers[index];
          if (answer === null) return;
          failed.push(entry);
          lastFailure.set(entry, answer === undefined ? "NoAnswer" : answer);
        });
      } catch (error) {
        callErrors.push(error);
        failed.push(...chunk);
        // The AWS error's own name when the adapter kept it (PublishError.code), else the thrown error's.
        const code = error instanceof PublishError && error.code !== undefined ? error.code : error instanceof Error ? error.name : "CallFailed";
        for (const entry of chunk) lastFailure.set(entry, code);
      }
    }
    pending = failed;
  }
  const errorCodes: Record<string, number> = {};
  for (const entry of pending) {
    const code = lastFailure.get(entry)!;
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  }
  return { published: entries.length - pending.length, failed: pending, attempts, callErrors, errorCodes };
}
