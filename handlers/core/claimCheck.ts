// Claim check for large bodies: above INLINE_BODY_MAX_BYTES ingest puts the body to the stack's bodies bucket
// first and the envelope, the item and the analytics record carry a pointer instead of the bytes.
// https://docs.aws.amazon.com/prescriptive-guidance/latest/cloud-design-patterns/claim-check.html (pattern)
import { sha256Hex } from "./crypto";

/**
 * The largest body kept inline (in the SQS message, the item and the analytics record), in bytes.
 *
 * Why 8 KiB, from the cost model (components/cost/prices.ts, eu-west-1; us-east-1 is within a few %):
 * - inline, every KB of body is one more DynamoDB write unit on the item (1 WRU per 1 KB, $0.71 per million),
 *   plus table storage for retentionDays; SQS bills per 64 KiB chunk, so below 64 KiB it adds next to nothing
 *   (a worker's receive of several ~4.5-8 KiB messages, base64 in the envelope, may take one chunk more);
 * - behind a pointer, the body costs one S3 PUT ($5.00 per million), ~25 ms more ingest time at 512 MB
 *   (~$0.30 per million GB-s) and a GET ($0.40 per million) for each reader, while the item, the message and
 *   the record shrink to ~1 KB whatever the body's size;
 * so the two cross at ~7-8 KiB: $5.70 / $0.71 per KB (lower for long retentions: table storage is $0.283 per
 * GB-month against S3's $0.023; `npm run cost -- --body 8KiB` and `--body 9KiB` show both sides). Below it an S3 round trip would cost more than the write
 * units it saves (and add latency and a second dependency to most webhooks, which are a few KiB); above it every
 * KiB inline is money for nothing, and from 64 KiB on SQS chunks and from ~350 KiB the 400 KB item limit and
 * from 1 MiB the SQS and Kinesis record limits would refuse the event outright.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html#write-operation-consumption
 * https://aws.amazon.com/sqs/pricing/ (64 KiB chunks), https://aws.amazon.com/s3/pricing/
 */
export const INLINE_BODY_MAX_BYTES = 8 * 1024;

/** Where a body that is not inline lives. */
export interface BodyPointer {
  readonly bucket: string;
  readonly key: string;
  /** Bytes of the body. */
  readonly size: number;
  /** sha256 of the body, lower-case hex: what the object must hash to (S3 checks it on put, readers on get). */
  readonly sha256: string;
}

/**
 * `<tenant>/<sha256(eventId) hex>/<sha256(body) hex>`.
 * - The tenant prefix is what IAM confines each ingest function to (s3:PutObject on `<bucket>/<tenant>/*`; tenant
 *   ids are [a-z0-9-], so no prefix is another's).
 * - The event id's hash groups one event's objects and makes any event id (arbitrary signed text) a fixed,
 *   URL-safe name well inside S3's 1,024-byte key limit.
 * - The body's hash makes the key a function of the exact bytes: a retried delivery of the same bytes (after a
 *   503) overwrites the same object, idempotently, while a delivery under the same event id with other bytes (a
 *   provider's attempt counter in the body, or Mailgun's unsigned event-data) can never replace the body of the
 *   event already stored: the worker keeps the first item for an event id, and its pointer keeps pointing at
 *   exactly the bytes it was stored with. An object nobody points at expires with the lifecycle rule.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export function bodyKeyOf(tenant: string, eventId: string, bodySha256: string): string {
  return `${tenant}/${sha256Hex(Buffer.from(eventId, "utf8"))}/${bodySha256}`;
}

/**
 * An upper bound of the body a function URL can carry (its 6 MB payload holds the event with the body, so a body
 * is always a few KB smaller, ~4.5 MiB if base64), so the largest size a pointer may claim.
 */
export const MAX_POINTED_BODY_BYTES = 6 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Why `value` is not the pointer ingest would have written for this tenant's event, or undefined when it is: the
 * key must be exactly bodyKeyOf(tenant, eventId, sha256), so a forged or misrouted message cannot point readers
 * at another event's object, another tenant's, or another bucket's path.
 */
export function bodyPointerProblem(value: unknown, tenant: string, eventId: string): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "bodyPointer is not an object";
  const p = value as Record<string, unknown>;
  if (typeof p.bucket !== "string" || p.bucket === "") return "bodyPointer.bucket missing";
  if (typeof p.key !== "string" || !p.key.startsWith(`${tenant}/`)) return `bodyPointer.key is not under the tenant's prefix '${tenant}/'`;
  if (typeof p.size !== "number" || !Number.isSafeInteger(p.size) || p.size < 0 || p.size > MAX_POINTED_BODY_BYTES) return "bodyPointer.size is not a byte count a function URL can carry";
  if (typeof p.sha256 !== "string" || !SHA256_HEX.test(p.sha256)) return "bodyPointer.sha256 is not a sha256 in hex";
  if (p.key !== bodyKeyOf(tenant, eventId, p.sha256)) return "bodyPointer.key is not the key of this event's body";
  return undefined;
}
