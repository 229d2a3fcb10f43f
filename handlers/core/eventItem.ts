// The events table's item model, shared by the worker (writes), the stream consumer and the ops commands (read).
//
// Keys: `pk = <tenant>#<eventId>` spreads every tenant over the whole key space, so no tenant is capped by one
// partition's 1,000 writes/s, and makes the idempotent write a single-item condition. Listing one tenant's
// events by time uses the `byTenantTime` index: `tenantShard = <tenant>#<0..N-1>` (N write shards chosen by a
// hash of the event id, so the index has no hot key either) and `receivedKey = <ISO time>`; a reader queries the
// N shards and merges (the index also holds every item's `pk`, which names the event).
//
// Lean layout: DynamoDB bills a write by each started 1 KB of the item, names and values alike, so the item stores
// nothing twice. Tenant and event id are read from `pk` (a tenant id holds no '#'), the time from `receivedKey`,
// and `unsignedHeaders` is written only when the signature covers some kept header (absent: every header is
// unsigned, as on items written before coverage was recorded). That keeps a typical 2 KiB webhook's item, its body
// gzip'ed, at one write unit instead of two. Items written before (with `tenant`, `eventId`, `receivedAt`, a
// `receivedKey` of `<ISO time>#<eventId>` and the list always) read the same through storedEventHeadOf.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html (item sizes)
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html (an index always projects the table's keys)
//
// Bodies up to INLINE_BODY_MAX_BYTES stay inline as binary (one read, or one stream image, has the whole event); a
// larger one is in the bodies bucket and the item holds its pointer and size instead (claimCheck.ts), so no item
// comes near DynamoDB's 400 KB.
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
  /** The index's sort key: the ISO time the event was received (see the layout above). */
  readonly receivedKey: string;
  /** DynamoDB TTL attribute: unix seconds. */
  readonly expiresAt: number;
}

/** The table's key of an event (keyParts reads it back). */
export function eventKey(tenant: string, eventId: string): string {
  return `${tenant}#${eventId}`;
}

/** The index's partition key of one of a tenant's write shards (0..TENANT_WRITE_SHARDS-1). */
export function tenantShardKey(tenant: string, shard: number): string {
  return `${tenant}#${shard}`;
}

export function tenantShardOf(tenant: string, eventId: string): string {
  return tenantShardKey(tenant, createHash("sha256").update(eventId).digest().readUInt32BE(0) % TENANT_WRITE_SHARDS);
}

export function eventItemFrom(envelope: Envelope, retentionDays: number): EventItem {
  return {
    pk: eventKey(envelope.tenant, envelope.eventId),
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
    receivedKey: new Date(envelope.receivedAt).toISOString(),
    expiresAt: Math.floor(envelope.receivedAt / 1000) + Math.round(retentionDays * 86_400),
  };
}

function storedFields(body: Buffer): Pick<EventItem, "body" | "bodyEncoding"> {
  const stored = storedBodyOf(body);
  return stored.encoding !== undefined ? { body: stored.bytes, bodyEncoding: stored.encoding } : { body: stored.bytes };
}

/**
 * The `unsignedHeaders` the item stores: the list when the signature covers some kept header, undefined when it
 * covers none (the reader then marks every header unsigned), which saves the list's bytes on most items.
 */
export function storedUnsignedHeaders(item: Pick<EventItem, "headers" | "unsignedHeaders">): readonly string[] | undefined {
  return Object.keys(item.headers).every((name) => item.unsignedHeaders.includes(name)) ? undefined : item.unsignedHeaders;
}

/** An attribute as an item's readers get it: the SDK's AttributeValue or a stream image (the parts read here). */
export interface ItemAttribute {
  readonly S?: string;
  readonly N?: string;
  readonly L?: readonly ItemAttribute[];
  readonly M?: Readonly<Record<string, ItemAttribute>>;
}

/** What an item says of its request besides the body: read from any item, even one that names no event. */
export type StoredMetadata = Pick<EventItem, "headers" | "unsignedHeaders" | "deliveryId" | "signedUrl">;

/**
 * What an item says about its event besides the body, in either layout: the item's own fields, the scheme as
 * stored (readers do not check it is one this release knows).
 */
export type StoredEventHead = Pick<EventItem, "tenant" | "eventId" | "receivedAt"> & { readonly scheme: string } & StoredMetadata;

/**
 * Reads an item (or its stream image) of either layout; undefined when it names no event (no tenant, event id,
 * scheme or time): the caller treats it as damaged. Never throws, whatever the image holds (a stream image is JSON
 * from outside the type system).
 */
export function storedEventHeadOf(image: Readonly<Record<string, ItemAttribute>>): StoredEventHead | undefined {
  const identity = eventIdentityOf(image);
  const scheme = stringOf(image.scheme);
  if (identity === undefined || !scheme) return undefined;
  return { ...identity, scheme, ...storedMetadataOf(image) };
}

/**
 * Headers, unsigned header names, delivery id and signed URL of any item or image (never throws). An item without
 * an unsigned list marks every kept header unsigned (see the layout above).
 */
export function storedMetadataOf(image: Readonly<Record<string, ItemAttribute>>): StoredMetadata {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(image.headers?.M ?? {})) if (typeof value?.S === "string") headers[name] = value.S;
  const listed = image.unsignedHeaders?.L;
  const unsignedHeaders = Array.isArray(listed) ? listed.flatMap((name) => (typeof name?.S === "string" ? [name.S] : [])) : Object.keys(headers);
  return {
    headers,
    unsignedHeaders,
    ...(typeof image.deliveryId?.S === "string" ? { deliveryId: image.deliveryId.S } : {}),
    ...(typeof image.signedUrl?.S === "string" ? { signedUrl: image.signedUrl.S } : {}),
  };
}

/**
 * Tenant, event id and time of an item or of its copy in the index (which holds `pk`, `receivedKey` and, for items
 * written before the lean layout, the projected `eventId` and `receivedAt`); undefined when they cannot be read.
 * Tenant and event id come from `pk`, the key IAM confines each worker to (`<tenant>#*`); a stored `tenant` or
 * `eventId` (the layout before) must agree with it, or the item names no event.
 */
export function eventIdentityOf(image: Readonly<Record<string, ItemAttribute>>): Pick<StoredEventHead, "tenant" | "eventId" | "receivedAt"> | undefined {
  const key = keyParts(image);
  if (key === undefined) return undefined;
  if (image.tenant !== undefined && stringOf(image.tenant) !== key.tenant) return undefined;
  if (image.eventId !== undefined && stringOf(image.eventId) !== key.eventId) return undefined;
  const receivedAt = image.receivedAt !== undefined ? numberOf(image.receivedAt) : timeOfReceivedKey(stringOf(image.receivedKey));
  // A number Date cannot hold (1e20) is no time either: toISOString would throw on it.
  if (Number.isNaN(new Date(receivedAt).getTime())) return undefined;
  return { ...key, receivedAt };
}

/** Tenant and event id as `pk` (eventKey) names them, split at its first '#' (a tenant id holds none); undefined if it does not. */
export function keyParts(image: Readonly<Record<string, ItemAttribute>>): { tenant: string; eventId: string } | undefined {
  const pk = stringOf(image.pk);
  const cut = pk.indexOf("#");
  if (cut < 1 || cut === pk.length - 1) return undefined;
  return { tenant: pk.slice(0, cut), eventId: pk.slice(cut + 1) };
}

/** The tenant an item names, for counting a damaged one: `pk`'s, else its `tenant` attribute; "" for none. */
export function tenantNamedBy(image: Readonly<Record<string, ItemAttribute>>): string {
  return keyParts(image)?.tenant ?? stringOf(image.tenant);
}

/** A string attribute's value; "" when absent or of another type (an image is JSON from outside the type system). */
function stringOf(attribute: ItemAttribute | undefined): string {
  return typeof attribute?.S === "string" ? attribute.S : "";
}

/** A number attribute's value; NaN when absent or of another type. */
function numberOf(attribute: ItemAttribute | undefined): number {
  return typeof attribute?.N === "string" ? Number(attribute.N) : Number.NaN;
}

/** The time a lean `receivedKey` (an ISO time, exactly as toISOString writes it) names; NaN for anything else. */
function timeOfReceivedKey(key: string): number {
  const time = Date.parse(key);
  return Number.isFinite(time) && new Date(time).toISOString() === key ? time : Number.NaN;
}
