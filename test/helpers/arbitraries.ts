// Shared fast-check arbitraries for the handler tests.
import fc from "fast-check";
import type { Envelope } from "../../handlers/core/envelope";
import type { HmacOptions, SchemeName } from "../../handlers/core/verify/types";
import { MAX_ID_LENGTH, SCHEMES } from "../../handlers/core/verify/types";

export const NOW_SECONDS = 1_760_000_000;
export const TOLERANCE = 300;
export const ENDPOINT = "https://abc123.lambda-url.eu-west-1.on.aws/";

export const HMAC_OPTIONS: HmacOptions = { header: "X-Signature", encoding: "hex", prefix: "sha256=" };

/** A valid secret for each scheme written as code, as the example-based verifier and handler tests sign with. */
export const SCHEME_SECRETS: Record<SchemeName, string> = {
  "standard-webhooks": `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
  stripe: "whsec_test_secret",
  github: "gh-secret",
  shopify: "shop-secret",
  slack: "slack-secret",
  twilio: "0123456789abcdef0123456789abcdef",
  "hmac-sha256": "generic-secret",
};

export const arbBody = fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes));
export const arbJsonBody = fc.jsonValue().map((value) => Buffer.from(JSON.stringify({ id: "evt_x", data: value })));
export const arbScheme: fc.Arbitrary<SchemeName> = fc.constantFrom(...SCHEMES);

const alnum = fc.stringMatching(/^[A-Za-z0-9]{16,48}$/);

/** A secret in the format the scheme's provider issues. */
export function arbSecret(scheme: SchemeName): fc.Arbitrary<string> {
  if (scheme === "standard-webhooks") return fc.uint8Array({ minLength: 24, maxLength: 64 }).map((key) => `whsec_${Buffer.from(key).toString("base64")}`);
  if (scheme === "stripe") return alnum.map((s) => `whsec_${s}`);
  // A Twilio Auth Token: 32 hex characters.
  if (scheme === "twilio") return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString("hex"));
  return alnum;
}

/** A delivery id as providers send them (no '.', as Standard Webhooks requires). */
export const arbDeliveryId = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);

/** A body for the scheme: Twilio signs form params, so its bodies are forms or JSON. */
export function arbSchemeBody(scheme: SchemeName): fc.Arbitrary<{ body: Buffer; contentType: string }> {
  if (scheme === "twilio") {
    const form = fc
      .array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/), fc.string({ maxLength: 20 })), { maxLength: 8 })
      .map((pairs) => ({ body: Buffer.from(new URLSearchParams(pairs).toString()), contentType: "application/x-www-form-urlencoded" }));
    return fc.oneof(form, arbJsonBody.map((body) => ({ body, contentType: "application/json" })));
  }
  return fc.oneof(arbBody, arbJsonBody).map((body) => ({ body, contentType: "application/json" }));
}

/** Arbitrary header maps: the fuzz input of "the verifier never throws". */
export const arbHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "webhook-id", "webhook-timestamp", "webhook-signature", "stripe-signature", "x-hub-signature-256", "x-shopify-hmac-sha256",
      "x-slack-signature", "x-slack-request-timestamp", "x-twilio-signature", "x-signature", "content-type",
    ),
    fc.string({ maxLength: 12 }),
  ),
  fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^(v1,|v1a,|t=\d+,v1=|sha256=|v0=)[A-Za-z0-9+/=]{0,90}$/)),
  { maxKeys: 6 },
);

/** The largest maxBodyBytes a tenant may configure (components/settings.ts MAX_BODY_BYTES_LIMIT). */
export const MAX_BODY_BYTES = 350 * 1024;

/**
 * Bodies up to MAX_BODY_BYTES without generating each byte: a short pattern repeated to a length, with a few
 * positions overwritten, so the worst cases (all NUL, all U+FFFF, all quotes, invalid UTF-8, every byte value)
 * come up at full size.
 */
export const arbLargeBody: fc.Arbitrary<Buffer> = fc
  .record({
    pattern: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 16 }),
      fc.constantFrom(..."\u0000 \" \\ \n \u001f \uffff \ufffe \ud7ff \ue000 \u{10ffff} é a".split(" ").map((c) => new Uint8Array(Buffer.from(c)))),
    ),
    length: fc.oneof(fc.integer({ min: 0, max: MAX_BODY_BYTES }), fc.constant(MAX_BODY_BYTES)),
    patches: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  })
  .map(({ pattern, length, patches }) => {
    const body = Buffer.alloc(length);
    if (length > 0) body.fill(Buffer.from(pattern));
    for (const [at, value] of patches) if (length > 0) body[at % length] = value;
    return body;
  });

const arbHeaderValue = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constant("\u0000\uffff\ufffe".repeat(341)));

/** Envelopes as ingest could build them (inline bodies): the input of the envelope and item properties. */
export const arbEnvelope: fc.Arbitrary<Envelope> = fc.record({
  tenant: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  // Ids come from signed bodies (Stripe, Slack): any characters, up to the cap.
  eventId: fc.oneof(arbDeliveryId, fc.string({ unit: "binary", minLength: 1, maxLength: MAX_ID_LENGTH }), fc.constant("\uffff".repeat(MAX_ID_LENGTH))),
  scheme: arbScheme,
  receivedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  headers: fc.dictionary(fc.constantFrom("content-type", "user-agent", "x-github-event", "i-twilio-idempotency-token"), arbHeaderValue.map((v) => v.slice(0, 1024))),
  unsignedHeaders: fc.array(fc.constantFrom("content-type", "user-agent", "x-github-event"), { maxLength: 3 }),
  deliveryId: fc.option(fc.string({ unit: "binary", maxLength: MAX_ID_LENGTH }), { nil: undefined }),
  signedUrl: fc.option(fc.webUrl(), { nil: undefined }),
  body: fc.oneof(arbBody, fc.string({ unit: "grapheme", maxLength: 200 }).map((s) => Buffer.from(s))),
}).map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as Envelope);
