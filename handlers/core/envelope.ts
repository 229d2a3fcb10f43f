// The SQS message body between ingest and worker. Versioned JSON so a worker can refuse what it does not
// understand (the message then reaches the DLQ instead of being stored wrongly).
//
// SQS takes message bodies of at most 1 MiB made only of #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
// #x10000-#x10FFFF; anything else is refused, and a refused SendMessage would make the sender retry for days.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
//
// How the body travels (bodyEncodingOf):
// - Up to INLINE_BODY_MAX_BYTES (8 KiB: every body a deployed stack keeps inline) always as base64. It is ~10x
//   cheaper to write than JSON-escaped text (Node 22, provider-shaped JSON at 1-8 KiB: ~0.06 against ~0.75 ns a
//   byte, `npm run bench`), holds no character SQS refuses, and the SDK copies it into its JSON request with
//   nothing to escape. Its 4/3 size costs next to nothing: a SendMessage stays within one 64 KiB billing chunk
//   (https://aws.amazon.com/sqs/pricing/); a worker's batch of 6-10 messages with ~4.5-8 KiB bodies (ten: ~4.5-6
//   KiB) may take one chunk more to receive than as text (at most +1/6 request a webhook, <= $0.07 per million;
//   `npm run cost -- --body 5KiB --worker-batch 10`); the worker stores the decoded bytes, so the item and the
//   analytics record do not change.
// - Larger (only without a bodies bucket, where size decides the chunks billed and whether the 1 MiB fits) as
//   JSON-escaped UTF-8 text unless that is longer than its base64, or it holds U+FFFE/U+FFFF (which JSON leaves
//   as they are): JSON escapes every other character SQS refuses (controls, lone surrogates) to ASCII. Choosing
//   by length costs nothing beyond the escaping itself for text bodies (a scan for control characters first
//   cost up to ~0.8x the HMAC of the body); a UTF-8 body dense in control characters is escaped in vain before
//   it goes as base64.
// Either way the body's token is at most its base64 (4/3 of the body, plus quotes): an inline body is at most
// 8 KiB when the stack has a bodies bucket (claimCheck.ts), and without one ingest measures the encoded message
// (envelopeProblem) and answers 413 for anything that would not fit.
import { isUtf8 } from "node:buffer";
import { bodyPointerProblem, INLINE_BODY_MAX_BYTES, type BodyPointer } from "./claimCheck";
import { MalformedEnvelopeError } from "./errors";
import { isTenantScheme, type TenantScheme } from "./verify/types";

/** SQS's largest message body, in bytes of UTF-8 (the queues are created with this MaximumMessageSize). */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface Envelope {
  readonly tenant: string;
  /** The dedup id, derived from signed material (see verify/). */
  readonly eventId: string;
  readonly scheme: TenantScheme;
  /** When ingest accepted the request, unix milliseconds. */
  readonly receivedAt: number;
  /** A few non-secret headers worth keeping (content type, event type); never signature headers. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Names among `headers` the signature does not cover: anyone replaying a request could have changed them.
   * Absent means none is known to be covered (every header unsigned); ingest always sets it, decoding always
   * returns it.
   */
  readonly unsignedHeaders?: readonly string[];
  /** The sender's own delivery id (metadata; unsigned unless the scheme signs it, see Acceptance.deliveryId). */
  readonly deliveryId?: string;
  /** Twilio: the URL the signature covers. */
  readonly signedUrl?: string;
  /** The raw body, byte for byte; empty when `bodyPointer` says where it is. */
  readonly body: Buffer;
  /**
   * Set when the body is in the bodies bucket instead (claimCheck.ts): the message carries this pointer, version
   * 3 of the wire format. Ingest writes a version 2 envelope for every inline body, so a worker of the previous
   * release keeps storing those during a deploy; only pointer envelopes need the new worker.
   */
  readonly bodyPointer?: BodyPointer;
}

/** Headers kept with the event: they help consumers route it and carry no secret material. */
export const KEPT_HEADERS = [
  "content-type",
  "user-agent",
  "x-github-event",
  "x-github-hook-id",
  "x-shopify-topic",
  "x-shopify-shop-domain",
  "x-shopify-api-version",
  "x-slack-retry-num",
  "x-slack-retry-reason",
  "webhook-timestamp",
  "i-twilio-idempotency-token",
] as const;

export function keptHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = value.slice(0, 1024);
  }
  return out;
}

/** Version 1: still decoded, for messages in flight during the deploy that introduced version 2. */
interface WireEnvelopeV1 {
  v: 1;
  tenant: string;
  eventId: string;
  scheme: string;
  receivedAt: number;
  headers: Record<string, string>;
  bodyEncoding: "utf8" | "base64";
  body: string;
}

interface WireEnvelopeV2 extends Omit<WireEnvelopeV1, "v"> {
  v: 2;
  unsignedHeaders: string[];
  deliveryId?: string;
  signedUrl?: string;
}

/** Version 3: the body is in S3; no body or bodyEncoding, a pointer instead. */
interface WireEnvelopeV3 extends Omit<WireEnvelopeV2, "v" | "body" | "bodyEncoding"> {
  v: 3;
  bodyPointer: BodyPointer;
}

const NONCHARACTERS = /[\uFFFE\uFFFF]/g;
const HAS_NONCHARACTER = /[\uFFFE\uFFFF]/;

/**
 * JSON.stringify already escapes control characters and lone surrogates, but leaves U+FFFE and U+FFFF as they
 * are, and SQS refuses them: escape those too (only metadata strings can hold them; the body never does).
 */
function sqsSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  return HAS_NONCHARACTER.test(json) ? json.replace(NONCHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16)}`) : json;
}

/** How the body travels, and its JSON string token in the message with that token's size in UTF-8 bytes. */
export interface BodyEncoding {
  readonly bodyEncoding: "utf8" | "base64";
  /** The body as text (its own, or its base64). */
  readonly text: string;
  /** `text` as a JSON string token, quotes included. */
  readonly token: string;
  readonly tokenBytes: number;
}

/**
 * How the body travels: as base64 up to INLINE_BODY_MAX_BYTES; above it as escaped text unless its base64 is
 * shorter or it holds U+FFFE/U+FFFF (see the file comment). `asText` is the body already as a string (the function
 * URL event's own text), used only when it can be what the bytes decode to: a well-formed string (no lone
 * surrogate) encodes to UTF-8 and back unchanged. It saves one pass and, for a large body, one large string.
 * Precondition: `body` was encoded from `asText` (`Buffer.from(asText, "utf8")`, as ingest does); a different
 * string would travel in place of the body.
 */
export function bodyEncodingOf(body: Buffer, asText?: string): BodyEncoding {
  if (body.length > INLINE_BODY_MAX_BYTES) {
    // A well-formed string's UTF-8 is valid UTF-8 that decodes back to it: no pass over the bytes to find out.
    const given = asText !== undefined && asText.length <= body.length && asText.isWellFormed();
    if (given || isUtf8(body)) {
      const text = given ? asText! : body.toString("utf8");
      // (For a one-byte string, as most JSON bodies are, V8 answers this without reading it.)
      if (!HAS_NONCHARACTER.test(text)) {
        const token = JSON.stringify(text);
        // Every character JSON escapes is ASCII and becomes ASCII (text is well-formed: no lone surrogate), so
        // the token's UTF-8 size is the body's bytes plus the characters the escaping added (quotes included).
        const tokenBytes = body.length + (token.length - text.length);
        if (tokenBytes <= base64TokenBytes(body.length)) return { bodyEncoding: "utf8", text, token, tokenBytes };
      }
    }
  }
  const text = body.toString("base64");
  return { bodyEncoding: "base64", text, token: `"${text}"`, tokenBytes: text.length + 2 };
}

/** The size of the base64 of `length` bytes as a JSON string token (padded; quotes included). */
function base64TokenBytes(length: number): number {
  return 4 * Math.ceil(length / 3) + 2;
}

/** The envelope's unsigned header names; without the field, every kept header. */
export function unsignedHeadersOf(envelope: Pick<Envelope, "headers" | "unsignedHeaders">): readonly string[] {
  return envelope.unsignedHeaders ?? Object.keys(envelope.headers);
}

export function encodeEnvelope(envelope: Envelope, asText?: string): string {
  return encodeEnvelopeSized(envelope, asText).message;
}

/**
 * The SQS message and its size in UTF-8 bytes, computed from its parts rather than by a pass over the message.
 * The metadata is one JSON.stringify of an object whose members are in the wire order (v, tenant, eventId, scheme,
 * receivedAt, headers, unsignedHeaders, deliveryId?, signedUrl?, bodyEncoding; a member left undefined is left
 * out), which costs less than escaping each short string apart; the body's token follows as the last member,
 * escaped once by JSON.stringify alone (V8's fastest escaper) and not scanned again.
 */
export function encodeEnvelopeSized(envelope: Envelope, asText?: string): { message: string; bytes: number } {
  const pointer = envelope.bodyPointer;
  if (pointer) {
    // Field by field, so the wire carries exactly the pointer (an object with more members stays out).
    const bodyPointer = { bucket: pointer.bucket, key: pointer.key, size: pointer.size, sha256: pointer.sha256 };
    const message = sqsSafeJson(wireMetadata(envelope, 3, { bodyPointer }));
    return { message, bytes: Buffer.byteLength(message, "utf8") };
  }
  const { bodyEncoding, token, tokenBytes } = bodyEncodingOf(envelope.body, asText);
  const metadata = sqsSafeJson(wireMetadata(envelope, 2, { bodyEncoding }));
  // The metadata object without its closing brace, then the body as its last member.
  const head = `${metadata.slice(0, -1)},"body":`;
  return { message: `${head}${token}}`, bytes: Buffer.byteLength(head, "utf8") + tokenBytes + 1 };
}

function wireMetadata<T extends object>(envelope: Envelope, v: 2 | 3, last: T): object {
  return {
    v,
    tenant: envelope.tenant,
    eventId: envelope.eventId,
    scheme: envelope.scheme,
    receivedAt: envelope.receivedAt,
    headers: envelope.headers,
    unsignedHeaders: unsignedHeadersOf(envelope),
    deliveryId: envelope.deliveryId,
    signedUrl: envelope.signedUrl,
    ...last,
  };
}

/** Why SQS would refuse this message body, or undefined when it takes it. */
export function sqsMessageProblem(message: string, maxBytes: number = SQS_MAX_MESSAGE_BYTES): string | undefined {
  const bytes = Buffer.byteLength(message, "utf8");
  if (bytes > maxBytes) return `message is ${bytes} bytes, over SQS's ${maxBytes}`;
  const bad = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(message);
  if (bad) return `message contains the character #x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}, which SQS refuses`;
  return undefined;
}

function fail(message: string): never {
  throw new MalformedEnvelopeError(message);
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

export function decodeEnvelope(message: string): Envelope {
  let wire: Partial<Omit<WireEnvelopeV2, "v">> & Partial<Pick<WireEnvelopeV3, "bodyPointer">> & { v?: unknown };
  try {
    wire = JSON.parse(message) as typeof wire;
  } catch {
    fail("message body is not JSON");
  }
  if (wire === null || typeof wire !== "object" || Array.isArray(wire)) fail("message body is not an object");
  if (wire.v !== 1 && wire.v !== 2 && wire.v !== 3) fail(`unsupported envelope version ${String(wire.v)}`);
  if (typeof wire.tenant !== "string" || wire.tenant === "") fail("tenant missing");
  if (typeof wire.eventId !== "string" || wire.eventId === "") fail("eventId missing");
  if (!isTenantScheme(wire.scheme)) fail("scheme unknown");
  if (typeof wire.receivedAt !== "number" || !Number.isSafeInteger(wire.receivedAt) || wire.receivedAt < 0) fail("receivedAt is not a timestamp");
  if (wire.headers === null || typeof wire.headers !== "object" || Array.isArray(wire.headers)) fail("headers is not an object");
  for (const value of Object.values(wire.headers)) {
    if (typeof value !== "string") fail("header values must be strings");
  }
  let pointer: BodyPointer | undefined;
  if (wire.v === 3) {
    const problem = bodyPointerProblem(wire.bodyPointer, wire.tenant, wire.eventId as string);
    if (problem !== undefined) fail(problem);
    const p = wire.bodyPointer!;
    pointer = { bucket: p.bucket, key: p.key, size: p.size, sha256: p.sha256 };
  } else {
    if (typeof wire.body !== "string") fail("body missing");
    if (wire.bodyEncoding !== "utf8" && wire.bodyEncoding !== "base64") fail("bodyEncoding unknown");
  }
  let extra: Pick<Envelope, "unsignedHeaders" | "deliveryId" | "signedUrl">;
  if (wire.v === 2 || wire.v === 3) {
    const v2 = wire;
    if (!isStringArray(v2.unsignedHeaders)) fail("unsignedHeaders is not a list of names");
    if (v2.deliveryId !== undefined && typeof v2.deliveryId !== "string") fail("deliveryId is not a string");
    if (v2.signedUrl !== undefined && typeof v2.signedUrl !== "string") fail("signedUrl is not a string");
    extra = {
      unsignedHeaders: [...v2.unsignedHeaders],
      ...(v2.deliveryId !== undefined ? { deliveryId: v2.deliveryId } : {}),
      ...(v2.signedUrl !== undefined ? { signedUrl: v2.signedUrl } : {}),
    };
  } else {
    // Version 1 did not record what the signature covered: every kept header is marked unsigned.
    extra = { unsignedHeaders: Object.keys(wire.headers) };
  }
  return {
    tenant: wire.tenant,
    eventId: wire.eventId,
    scheme: wire.scheme,
    receivedAt: wire.receivedAt,
    headers: { ...wire.headers },
    ...extra,
    body: pointer ? Buffer.alloc(0) : Buffer.from(wire.body!, wire.bodyEncoding),
    ...(pointer ? { bodyPointer: pointer } : {}),
  };
}
