// Signs a webhook exactly as each provider does. Used by `npm run send` and by the tests; it is checked
// against the providers' published test vectors, so it is not a mirror of the verifier.
import { createHash, createHmac, createPrivateKey, generateKeyPairSync, randomUUID, sign as signBytes, type KeyObject } from "node:crypto";
import { prepareDeclarativeKeys, type SchemeDescription } from "../handlers/core/verify/declarative";
import { schemeDescription } from "../handlers/core/verify/presets";
import { isSchemeName, type HmacOptions, type TenantScheme } from "../handlers/core/verify/types";
import { signWithDescription } from "./signDeclarative";

export interface SignInput {
  readonly scheme: TenantScheme;
  /** The tenant's (first) secret, in the scheme's format. */
  readonly secret: string;
  readonly body: Buffer;
  readonly nowSeconds: number;
  /** The endpoint URL (Twilio signs it). */
  readonly url: string;
  /** The sender's delivery id; random when absent. */
  readonly deliveryId?: string;
  readonly hmac?: HmacOptions;
  /** Twilio: form-encoded bodies sign their params, anything else gets bodySHA256. */
  readonly contentType?: string;
  /** Scheme custom: the tenant's description. */
  readonly custom?: SchemeDescription;
  /** A preset's settings (Square's notificationUrl). */
  readonly presetSettings?: Readonly<Record<string, string>>;
  /** Asymmetric schemes (Discord, SendGrid, custom Ed25519/ECDSA): the sender's private key; `secret` is then the public key. */
  readonly signingKey?: KeyObject;
  /** HTTP method (HubSpot signs it). */
  readonly method?: string;
}

export interface SignedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The body to send when signing changed it (Mailgun carries its signature in the body). */
  readonly body?: Buffer;
}

/** The description a declarative scheme signs by: the tenant's own, or its preset's. */
export function descriptionFor(scheme: TenantScheme, custom?: SchemeDescription, settings: Readonly<Record<string, string>> = {}): SchemeDescription {
  const description = schemeDescription(scheme, custom, settings);
  if (!description) throw new Error(scheme === "custom" ? "scheme custom needs its description" : `no preset ${scheme}`);
  return description;
}

/** Presets and custom descriptions: signed from the description, as the provider it describes would. */
function signDeclarativeRequest(input: SignInput): SignedRequest {
  const description = descriptionFor(input.scheme, input.custom, input.presetSettings);
  const headers: Record<string, string> = {
    "content-type": input.contentType ?? "application/json",
    // Ids some presets sign or keep as metadata (Twitch's message id, GitLab's event UUID, ...).
    "twitch-eventsub-message-id": input.deliveryId ?? randomUUID(),
    ...(description.deliveryIdHeader ? { [description.deliveryIdHeader]: input.deliveryId ?? randomUUID() } : {}),
    ...(input.scheme === "twitch" ? { "twitch-eventsub-message-type": "notification" } : {}),
  };
  const algorithm = description.signature.algorithm;
  const asymmetric = algorithm === "ed25519" || algorithm === "ecdsa-p256-sha256";
  if (asymmetric && !input.signingKey) throw new Error(`${input.scheme} is signed with the provider's private key; none is known for this tenant (npm start keeps the ones it generates in .local/signing-keys.json)`);
  const key = asymmetric ? input.signingKey! : (prepareDeclarativeKeys(description, [input.secret]) as { keys: readonly Buffer[] }).keys[0]!;
  if (description.signature.json !== undefined) {
    // Mailgun: sign timestamp + token and put the signature object in the body.
    // The object goes in front of the body's own members, byte for byte otherwise (padding included).
    const token = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "").slice(0, 18);
    const timestamp = String(input.nowSeconds);
    const signature = createHmac("sha256", key as Buffer).update(timestamp + token).digest("hex");
    const member = `"signature":${JSON.stringify({ timestamp, token, signature })}`;
    const rest = input.body.toString("utf8").replace(/^\s*\{/, "");
    if (rest === input.body.toString("utf8")) throw new Error("a Mailgun body is a JSON object");
    const body = Buffer.from(`{${member}${/^\s*\}/.test(rest) ? "" : ","}${rest}`);
    return { url: input.url, headers, body };
  }
  return { url: input.url, headers: signWithDescription(description, key, { body: input.body, url: input.url, method: input.method, nowSeconds: input.nowSeconds, headers }) };
}

const hmacOf = (algorithm: "sha256" | "sha1", key: string | Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/** v1a: Ed25519 over the same content, for senders holding the private key. */
export function standardWebhooksEd25519Signature(privateKey: KeyObject, id: string, timestamp: number, body: Buffer): string {
  return `v1a,${signBytes(null, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]), privateKey).toString("base64")}`;
}

export function twilioSignature(authToken: string, url: string, params: string): string {
  return hmacOf("sha1", authToken, url, params).toString("base64");
}

export function signRequest(input: SignInput): SignedRequest {
  const { body, secret, nowSeconds: ts } = input;
  const contentType = input.contentType ?? "application/json";
  if (!isSchemeName(input.scheme)) return signDeclarativeRequest(input);
  switch (input.scheme) {
    case "standard-webhooks": {
      const id = input.deliveryId ?? `msg_${randomUUID().replace(/-/g, "")}`;
      const signature = hmacOf("sha256", standardWebhooksKey(secret), `${id}.${ts}.`, body).toString("base64");
      return { url: input.url, headers: { "content-type": contentType, "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${signature}` } };
    }
    case "stripe": {
      const signature = hmacOf("sha256", secret, `${ts}.`, body).toString("hex");
      return { url: input.url, headers: { "content-type": contentType, "stripe-signature": `t=${ts},v1=${signature}` } };
    }
    case "github":
      return {
        url: input.url,
        headers: {
          "content-type": contentType,
          "x-github-event": "push",
          "x-github-delivery": input.deliveryId ?? randomUUID(),
          "x-hub-signature-256": `sha256=${hmacOf("sha256", secret, body).toString("hex")}`,
        },
      };
    case "shopify":
      return {
        url: input.url,
        headers: {
          "content-type": contentType,
          "x-shopify-topic": "orders/create",
          "x-shopify-webhook-id": input.deliveryId ?? randomUUID(),
          "x-shopify-hmac-sha256": hmacOf("sha256", secret, body).toString("base64"),
        },
      };
    case "slack":
      return {
        url: input.url,
        headers: {
          "content-type": contentType,
          "x-slack-request-timestamp": String(ts),
          "x-slack-signature": `v0=${hmacOf("sha256", secret, `v0:${ts}:`, body).toString("hex")}`,
        },
      };
    case "twilio": {
      const headers: Record<string, string> = { "content-type": contentType };
      if (input.deliveryId) headers["i-twilio-idempotency-token"] = input.deliveryId;
      if (contentType.startsWith("application/x-www-form-urlencoded")) {
        const params = new URLSearchParams(body.toString("utf8"));
        const names = [...new Set(params.keys())].sort();
        // A repeated name's distinct values, sorted: twilio-node's validateRequest (src/webhooks/webhooks.ts).
        const tail = names.map((name) => [...new Set(params.getAll(name))].sort().map((value) => name + value).join("")).join("");
        return { url: input.url, headers: { ...headers, "x-twilio-signature": twilioSignature(secret, input.url, tail) } };
      }
      const url = `${input.url}${input.url.includes("?") ? "&" : "?"}bodySHA256=${createHash("sha256").update(body).digest("hex")}`;
      return { url, headers: { ...headers, "x-twilio-signature": twilioSignature(secret, url, "") } };
    }
    case "hmac-sha256": {
      if (!input.hmac) throw new Error("hmac-sha256 needs hmac settings");
      const digest = hmacOf("sha256", secret, body).toString(input.hmac.encoding);
      return { url: input.url, headers: { "content-type": contentType, [input.hmac.header.toLowerCase()]: `${input.hmac.prefix ?? ""}${digest}` } };
    }
  }
}

/** A sender's key pair for an asymmetric scheme: the tenant's secret (public key) and the private key (PKCS#8, base64). */
export function newSigningPair(scheme: TenantScheme, custom?: SchemeDescription): { secret: string; signingKey: string } | undefined {
  if (isSchemeName(scheme)) return undefined;
  const description = descriptionFor(scheme, custom, { notificationUrl: "https://placeholder.invalid/" });
  const encoding = description.secret.encoding === "hex" ? "hex" : "base64";
  if (description.signature.algorithm === "ed25519") {
    const pair = generateKeyPairSync("ed25519");
    return { secret: pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString(encoding), signingKey: pair.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64") };
  }
  if (description.signature.algorithm === "ecdsa-p256-sha256") {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return { secret: pair.publicKey.export({ format: "der", type: "spki" }).toString(encoding), signingKey: pair.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64") };
  }
  return undefined;
}

/**
 * A fresh credential for a tenant: its secret, and for an asymmetric scheme the sender's private key (PKCS#8,
 * base64) the local sender signs with.
 */
export function newTenantCredential(scheme: TenantScheme, random: (size: number) => Buffer, custom?: SchemeDescription): { secret: string; signingKey?: string } {
  return newSigningPair(scheme, custom) ?? { secret: newSecret(scheme, random, custom) };
}

export function signingKeyFrom(pkcs8Base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8Base64, "base64"), format: "der", type: "pkcs8" });
}

/** A fresh secret in the format each scheme's provider issues (asymmetric schemes: see newSigningPair). */
export function newSecret(scheme: TenantScheme, random: (size: number) => Buffer, custom?: SchemeDescription): string {
  if (!isSchemeName(scheme)) {
    const description = descriptionFor(scheme, custom, { notificationUrl: "https://placeholder.invalid/" });
    const prefix = description.secret.stripPrefix ?? "";
    if (description.secret.encoding === "base64") return `${prefix}${random(32).toString("base64")}`;
    if (description.secret.encoding === "hex") return `${prefix}${random(32).toString("hex")}`;
    return `${prefix}${random(24).toString("hex")}`;
  }
  switch (scheme) {
    case "standard-webhooks":
      return `whsec_${random(32).toString("base64")}`;
    case "stripe":
      return `whsec_${random(24).toString("hex")}`;
    case "twilio":
      return random(16).toString("hex");
    default:
      return random(24).toString("hex");
  }
}
