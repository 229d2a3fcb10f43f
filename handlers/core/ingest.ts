// The ingest decision, pure: raw request in, outcome out. No SDK, no clock of its own.
import { bodyKeyOf, INLINE_BODY_MAX_BYTES, type BodyPointer } from "./claimCheck";
import { sha256Hex } from "./crypto";
import { encodeEnvelopeSized, keptHeaders, SQS_MAX_MESSAGE_BYTES, type Envelope } from "./envelope";
import type { RejectReason } from "./errors";
import type { Headers } from "./headers";
import { verifyGetSafely, verifySafely } from "./verify/registry";
import type { TenantScheme, Verifier } from "./verify/types";

export interface IngestRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Headers;
  /** As the function URL event carries it: text, or base64 when `isBase64Encoded`; absent or null when empty. */
  readonly body: string | null | undefined;
  readonly isBase64Encoded: boolean;
  /** The full URL the sender addressed. */
  readonly url: string;
}

export interface IngestSettings {
  readonly tenant: string;
  readonly scheme: TenantScheme;
  readonly maxBodyBytes: number;
  /**
   * The scheme and host (and any path prefix) senders address, replacing `https://<function URL domain>` when
   * the URL a sender signed (Twilio) is rebuilt: a custom domain in front of the function URL, or the local
   * pipeline's http://127.0.0.1:<port>. Never taken from a request header.
   */
  readonly publicBaseUrl?: string;
  /**
   * The stack's bodies bucket: bodies over INLINE_BODY_MAX_BYTES go there and the message carries a pointer
   * (claimCheck.ts). Unset, every body travels inline, and one whose message cannot fit SQS is refused with 413.
   */
  readonly bodyBucket?: string;
}

export type IngestOutcome =
  | { readonly kind: "rejected"; readonly status: 400 | 401 | 405 | 413; readonly reason: RejectReason; readonly message: string }
  | { readonly kind: "handshake"; readonly eventId: string; readonly contentType: string; readonly body: string }
  /**
   * `message` is the envelope encoded for SQS, already checked to be a message SQS takes. With `offload`, the
   * envelope carries a pointer and the body must be put to it before the message is sent.
   */
  | { readonly kind: "accepted"; readonly envelope: Envelope; readonly message: string; readonly offload?: { readonly pointer: BodyPointer; readonly body: Buffer } };

/** Bytes exactly as sent: a base64 body is decoded, a text body re-encoded as the UTF-8 it arrived as. */
export function rawBodyOf(body: string | null | undefined, isBase64Encoded: boolean): Buffer {
  if (body === undefined || body === null || body === "") return Buffer.alloc(0);
  return Buffer.from(body, isBase64Encoded ? "base64" : "utf8");
}

/** Upper bound of the decoded size, to refuse an oversized body before decoding it. */
function decodedSizeAtLeast(body: string | null | undefined, isBase64Encoded: boolean): number {
  if (body === undefined || body === null) return 0;
  return isBase64Encoded ? Math.floor((body.length * 3) / 4) - 2 : body.length;
}

export function evaluateIngest(
  request: IngestRequest,
  settings: IngestSettings,
  verifier: Verifier,
  keys: unknown,
  nowMs: number,
): IngestOutcome {
  const method = request.method.toUpperCase();
  const nowSeconds = Math.floor(nowMs / 1000);
  if (method === "GET" && verifier.verifyGet) {
    // A provider proving the endpoint (Meta's hub.challenge, Okta's verification): answered only once the
    // scheme's own check holds, never enqueued.
    const verdict = verifyGetSafely(verifier, { headers: request.headers, body: Buffer.alloc(0), url: request.url, nowSeconds, method }, keys);
    if (!verdict.ok) return { kind: "rejected", status: verdict.status, reason: verdict.reason, message: verdict.message };
    if (verdict.handshake) return { kind: "handshake", eventId: verdict.eventId, ...verdict.handshake };
    return { kind: "rejected", status: 405, reason: "method_not_allowed", message: "only POST is accepted" };
  }
  if (method !== "POST") {
    return { kind: "rejected", status: 405, reason: "method_not_allowed", message: "only POST is accepted" };
  }
  const tooLarge = { kind: "rejected", status: 413, reason: "body_too_large", message: `body exceeds ${settings.maxBodyBytes} bytes` } as const;
  if (decodedSizeAtLeast(request.body, request.isBase64Encoded) > settings.maxBodyBytes) return tooLarge;
  const body = rawBodyOf(request.body, request.isBase64Encoded);
  if (body.length > settings.maxBodyBytes) return tooLarge;

  const verdict = verifySafely(verifier, { headers: request.headers, body, url: request.url, nowSeconds, method }, keys);
  if (!verdict.ok) return { kind: "rejected", status: verdict.status, reason: verdict.reason, message: verdict.message };
  if (verdict.handshake) return { kind: "handshake", eventId: verdict.eventId, ...verdict.handshake };
  const headers = keptHeaders(request.headers);
  const envelope: Envelope = {
    tenant: settings.tenant,
    eventId: verdict.eventId,
    scheme: settings.scheme,
    receivedAt: nowMs,
    headers,
    unsignedHeaders: Object.keys(headers).filter((name) => !verdict.signedHeaders.includes(name)),
    ...(verdict.deliveryId !== undefined ? { deliveryId: verdict.deliveryId } : {}),
    ...(verdict.signedUrl !== undefined ? { signedUrl: verdict.signedUrl } : {}),
    body,
  };
  if (settings.bodyBucket !== undefined && body.length > INLINE_BODY_MAX_BYTES) {
    // The hash is one more pass over the body (~2 GB/s with SHA-NI: ~3 ms at 6 MB); S3 checks the object against
    // it on put, and readers can check what they fetched.
    const bodySha256 = sha256Hex(body);
    const pointer: BodyPointer = { bucket: settings.bodyBucket, key: bodyKeyOf(settings.tenant, verdict.eventId, bodySha256), size: body.length, sha256: bodySha256 };
    const pointed: Envelope = { ...envelope, body: Buffer.alloc(0), bodyPointer: pointer };
    return { kind: "accepted", envelope: pointed, message: encodeEnvelopeSized(pointed).message, offload: { pointer, body } };
  }
  // The event's own text is reused as the body's text when it is what the bytes decode to (no second large
  // string, no decoding pass; see bodyEncodingOf).
  const { message, bytes } = encodeEnvelopeSized(envelope, request.isBase64Encoded || typeof request.body !== "string" ? undefined : request.body);
  // What SQS would refuse is refused here, as a 4xx: a 503 would make the sender retry it for days. The
  // character set holds by construction (encodeEnvelope, property-tested); the size is computed from its parts
  // (property-tested against Buffer.byteLength).
  if (bytes > SQS_MAX_MESSAGE_BYTES) {
    return { kind: "rejected", status: 413, reason: "body_too_large", message: `the event cannot be enqueued: its message would be ${bytes} bytes, over SQS's ${SQS_MAX_MESSAGE_BYTES}` };
  }
  return { kind: "accepted", envelope, message };
}
