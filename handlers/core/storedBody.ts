// Bodies at rest in the events table. An inline body is gzip'ed when that makes it smaller: DynamoDB bills a
// write by each started 1 KB of the item, so a 2 KiB JSON body (~0.3-0.4 of it gzip'ed) drops the item from 3 write
// units to 2, and storage, point-in-time recovery and the stream image shrink with it. The message in SQS (base64,
// envelope.ts) and the analytics record in Kinesis keep the body not gzip'ed (the stream consumer gunzips): only the
// table changes, and `size` stays the body's own length. `npm run cost -- --stored-compression-ratio <r>` prices it.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html (item sizes)
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html (write request units)
import { gunzipSync, gzipSync } from "node:zlib";
import { INLINE_BODY_MAX_BYTES } from "./claimCheck";

export type StoredBodyEncoding = "gzip";

/** Below this a gzip frame (18 bytes of header and trailer) rarely pays, and never saves a whole write unit. */
export const GZIP_MIN_BODY_BYTES = 256;

/**
 * Only bodies up to the inline threshold are gzip'ed (every larger one is in the bodies bucket; a stack without one
 * keeps them as received), so no gzip'ed item may claim more: gunzip stops there, and a damaged or foreign item
 * cannot make a reader inflate ~1000x (6 MiB of zeros gzip to ~6 KB) into a batch that stalls the shared stream.
 */
export const STORED_BODY_MAX_BYTES = INLINE_BODY_MAX_BYTES;

export interface StoredBody {
  readonly bytes: Buffer;
  readonly encoding?: StoredBodyEncoding;
}

/**
 * The body as the item stores it: gzip'ed when GZIP_MIN_BODY_BYTES to STORED_BODY_MAX_BYTES long and gzip makes it
 * smaller.
 */
export function storedBodyOf(body: Buffer): StoredBody {
  if (body.length < GZIP_MIN_BODY_BYTES || body.length > STORED_BODY_MAX_BYTES) return { bytes: body };
  const gzipped = gzipSync(body);
  return gzipped.length < body.length ? { bytes: gzipped, encoding: "gzip" } : { bytes: body };
}

/**
 * The body back from an item's bytes, its `bodyEncoding` and its `size`; undefined when they disagree (an unknown
 * encoding, bytes that do not gunzip, or a length other than `size`): the caller treats the item as damaged.
 */
export function bodyFromStored(bytes: Buffer, encoding: string | undefined, size: number): Buffer | undefined {
  if (encoding === undefined) return bytes;
  if (encoding !== "gzip" || !Number.isSafeInteger(size) || size < 0 || size > STORED_BODY_MAX_BYTES) return undefined;
  try {
    const body = gunzipSync(bytes, { maxOutputLength: Math.max(size, 1) });
    return body.length === size ? body : undefined;
  } catch {
    return undefined;
  }
}
