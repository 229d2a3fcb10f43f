// The events table's item model, shared by the worker (writes) and the stream consumer (reads the image).
//
// Keys: `pk = <tenant>#<eventId>` spreads every tenant over the whole key space, so no tenant is capped by one
// partition's 1,000 writes/s, and makes the idempotent write a single-item condition. Listing one tenant's
// events by time uses the `byTenantTime` index: `tenantShard = <tenant>#<0..N-1>` (N write shards chosen by a
// hash of the event id, so the index has no hot key either) and `receivedKey = <ISO time>#<eventId>`; a reader
// queries the N shards and merges. Bodies up to INLINE_BODY_MAX_BYTES stay inline as binary (one read, or one
// stream image, has the whole event); a larger one is in the bodies bucket and the item holds its pointer and
// size instead (claimCheck.ts), so no item comes near DynamoDB's 400 KB.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-sharding.html
import { createHash } from "node:crypto";
import type { BodyPointer } from "./claimCheck";
import { storedBodyOf, type StoredBodyEncoding } from "./storedBody";
import { unsignedHeadersOf, type Envelope } from "./envelope";
import type { TenantScheme } from "./verify/types";

import { EVENTS_TABLE } from "./eventTable";

export const TENANT_TIME_INDEX = EVENTS_TABLE.tenantTimeIndex.name;
export const TENANT_WRITE_SHARDS = 16;

export interface EventItem {
  readonly pk: string;
  readonly tenant: string;
  readonly eventId: string;
  readonly scheme: TenantScheme;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Names among `headers` the signature does not cover. */
  readonly unsignedHeaders: readonly string[];
  /** The sender's delivery id, metadata only (see Envelope). */
  readonly deliveryId?: string;
  /** Twilio: the URL the signature covers. */
  readonly signedUrl?: string;
  /** The body inline as stored (see `bodyEncoding`); empty when `bodyPointer` says where it is. */
  readonly body: Buffer;
  /** "gzip" when `body` is the gzip of the body (storedBody.ts); absent when it is the body as received. */
  readonly bodyEncoding?: StoredBodyEncoding;
  readonly bodyPointer?: BodyPointer;
  /** Bytes of the body, inline or not. */
  readonly size: number;
  readonly tenantShard: string;
  readonly receivedKey: string;
  /** DynamoDB TTL attribute: unix seconds. */
  readonly expiresAt: number;
}

export function tenantShardOf(tenant: string, eventId: string): string {
  const shard = createHash("sha256").update(eventId).digest().readUInt32BE(0) % TENANT_WRITE_SHARDS;
  return `${tenant}#${shard}`;
}

export function eventItemFrom(envelope: Envelope, retentionDays: number): EventItem {
  return {
    pk: `${envelope.tenant}#${envelope.eventId}`,
    tenant: envelope.tenant,
    eventId: envelope.eventId,
    scheme: envelope.scheme,
    receivedAt: envelope.receivedAt,
    headers: envelope.headers,
    unsignedHeaders: unsignedHeadersOf(envelope),
    ...(envelope.deliveryId !== undefined ? { deliveryId: envelope.deliveryId } : {}),
    ...(envelope.signedUrl !== undefined ? { signedUrl: envelope.signedUrl } : {}),
    ...(envelope.bodyPointer !== undefined ? { body: envelope.body, bodyPointer: envelope.bodyPointer } : storedFields(envelope.body)),
    size: envelope.bodyPointer?.size ?? envelope.body.length,
    tenantShard: tenantShardOf(envelope.tenant, envelope.eventId),
    receivedKey: `${new Date(envelope.receivedAt).toISOString()}#${envelope.eventId}`,
    expiresAt: Math.floor(envelope.receivedAt / 1000) + Math.round(retentionDays * 86_400),
  };
}

function storedFields(body: Buffer): Pick<EventItem, "body" | "bodyEncoding"> {
  const stored = storedBodyOf(body);
  return stored.encoding !== undefined ? { body: stored.bytes, bodyEncoding: stored.encoding } : { body: stored.bytes };
}
