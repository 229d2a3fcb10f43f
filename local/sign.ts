// Signs a webhook exactly as each provider does. Used by `npm run send` and by the tests; it is checked
// against the providers' published test vectors, so it is not a mirror of the verifier.
import { createHash, createHmac, randomUUID, sign as signBytes, type KeyObject } from "node:crypto";
import type { HmacOptions, SchemeName } from "../handlers/core/verify/types";

export interface SignInput {
  readonly scheme: SchemeName;
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
}

export interface SignedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
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

/** A fresh secret in the format each scheme's provider issues. */
export function newSecret(scheme: SchemeName, random: (size: number) => Buffer): string {
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
