// The shape of a tenant's secret per scheme, checked wherever a secret enters: `pulumi up` (components/config.ts),
// `npm start --secrets` (local/secretsFile.ts, through each verifier's prepare) and the ingest handler's prepare
// (a refreshed secret that does not fit is refused like an unreadable one). A wrong secret otherwise fails
// silently as "every signature is bad", or worse, a blank secret makes signatures anyone can compute.
import { decodeBase64 } from "../crypto";
import type { SchemeName } from "./types";

/** Below this a body-HMAC secret is guessable offline from one captured request. */
export const MIN_SECRET_LENGTH = 8;

const TWILIO_AUTH_TOKEN = /^[0-9a-f]{32}$/i;

/**
 * Why `secret` cannot serve `scheme`, or undefined when it can. The message never contains the secret.
 * - every scheme: not blank, no surrounding whitespace (a pasted newline would never match);
 * - standard-webhooks: `whsec_` + base64 of 24..64 bytes (or the bare base64 the reference library also takes),
 *   or `whpk_` + base64 of a 32-byte Ed25519 public key (https://www.standardwebhooks.com/, spec.md);
 * - stripe: `whsec_` + at least 8 characters, used as-is (Stripe docs "Check the webhook signatures");
 * - twilio: the Auth Token, 32 hex characters (Twilio console; API key secrets do not sign webhooks);
 * - github, shopify, slack, hmac-sha256: at least 8 characters.
 */
export function secretProblem(scheme: SchemeName, secret: string): string | undefined {
  if (typeof secret !== "string" || secret.trim() === "") return "is blank";
  if (secret.trim() !== secret) return "has leading or trailing whitespace";
  switch (scheme) {
    case "standard-webhooks": {
      if (secret.startsWith("whpk_")) {
        const raw = decodeBase64(secret.slice(5));
        return raw && raw.length === 32 ? undefined : "whpk_ key must be 32 bytes of base64";
      }
      const raw = decodeBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
      return raw && raw.length >= 24 && raw.length <= 64 ? undefined : "whsec_ key must be 24..64 bytes of base64";
    }
    case "stripe":
      if (!secret.startsWith("whsec_")) return "a Stripe endpoint secret starts with whsec_";
      return secret.length - 6 >= MIN_SECRET_LENGTH ? undefined : `a Stripe endpoint secret has at least ${MIN_SECRET_LENGTH} characters after whsec_`;
    case "twilio":
      return TWILIO_AUTH_TOKEN.test(secret) ? undefined : "a Twilio Auth Token is 32 hex characters";
    case "github":
    case "shopify":
    case "slack":
    case "hmac-sha256":
      return secret.length >= MIN_SECRET_LENGTH ? undefined : `must be at least ${MIN_SECRET_LENGTH} characters`;
  }
}

/** Throws on the first unusable secret, naming its position (never its value); prepare's contract. */
export function assertSecrets(scheme: SchemeName, secrets: readonly string[]): void {
  if (secrets.length === 0) throw new Error("no secret configured");
  secrets.forEach((secret, index) => {
    const problem = secretProblem(scheme, secret);
    if (problem) throw new Error(`secret #${index}: ${problem}`);
  });
}
