// The SQS message body between ingest and worker. Versioned JSON so a worker can refuse what it does not
// understand (the message then reaches the DLQ instead of being stored wrongly).
import { isUtf8 } from "node:buffer";
import { MalformedEnvelopeError } from "./errors";
import { isSchemeName, type SchemeName } from "./verify/types";

export interface Envelope {
  readonly tenant: string;
  readonly eventId: string;
  readonly scheme: SchemeName;
  /** When ingest accepted the request, unix milliseconds. */
  readonly receivedAt: number;
  /** A few non-secret headers worth keeping (content type, event type); never signature headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, byte for byte. */
  readonly body: Buffer;
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

interface WireEnvelope {
  v: 1;
  tenant: string;
  eventId: string;
  scheme: string;
  receivedAt: number;
  headers: Record<string, string>;
  /** `utf8` keeps text bodies readable in the queue; anything else travels as base64. */
  bodyEncoding: "utf8" | "base64";
  body: string;
}

/**
 * JSON escapes every character SQS refuses (control characters, lone surrogates), so the encoded string is
 * always a valid SQS message body. Non-UTF-8 bodies go as base64 so no byte is lost in transcoding.
 */
export function encodeEnvelope(envelope: Envelope): string {
  const text = isUtf8(envelope.body);
  const wire: WireEnvelope = {
    v: 1,
    tenant: envelope.tenant,
    eventId: envelope.eventId,
    scheme: envelope.scheme,
    receivedAt: envelope.receivedAt,
    headers: { ...envelope.headers },
    bodyEncoding: text ? "utf8" : "base64",
    body: envelope.body.toString(text ? "utf8" : "base64"),
  };
  return JSON.stringify(wire);
}

export function decodeEnvelope(message: string): Envelope {
  let wire: Partial<WireEnvelope>;
  try {
    wire = JSON.parse(message) as Partial<WireEnvelope>;
  } catch {
    throw new MalformedEnvelopeError("message body is not JSON");
  }
  if (wire === null || typeof wire !== "object") throw new MalformedEnvelopeError("message body is not an object");
  if (wire.v !== 1) throw new MalformedEnvelopeError(`unsupported envelope version ${String(wire.v)}`);
  if (typeof wire.tenant !== "string" || wire.tenant === "") throw new MalformedEnvelopeError("tenant missing");
  if (typeof wire.eventId !== "string" || wire.eventId === "") throw new MalformedEnvelopeError("eventId missing");
  if (!isSchemeName(wire.scheme)) throw new MalformedEnvelopeError("scheme unknown");
  if (typeof wire.receivedAt !== "number" || !Number.isSafeInteger(wire.receivedAt) || wire.receivedAt < 0) {
    throw new MalformedEnvelopeError("receivedAt is not a timestamp");
  }
  if (wire.headers === null || typeof wire.headers !== "object" || Array.isArray(wire.headers)) {
    throw new MalformedEnvelopeError("headers is not an object");
  }
  for (const value of Object.values(wire.headers)) {
    if (typeof value !== "string") throw new MalformedEnvelopeError("header values must be strings");
  }
  if (typeof wire.body !== "string") throw new MalformedEnvelopeError("body missing");
  if (wire.bodyEncoding !== "utf8" && wire.bodyEncoding !== "base64") throw new MalformedEnvelopeError("bodyEncoding unknown");
  return {
    tenant: wire.tenant,
    eventId: wire.eventId,
    scheme: wire.scheme,
    receivedAt: wire.receivedAt,
    headers: { ...wire.headers },
    body: Buffer.from(wire.body, wire.bodyEncoding),
  };
}
