import { ConfigError } from "../errors";
import { genericHmacVerifier, githubVerifier, shopifyVerifier } from "./bodyHmac";
import { slackVerifier } from "./slack";
import { standardWebhooksVerifier } from "./standardWebhooks";
import { stripeVerifier } from "./stripe";
import { twilioVerifier } from "./twilio";
import { declarativeVerifier } from "./declarativeVerifier";
import { isSchemeName, isTenantScheme, type Verifier, type VerifierOptions } from "./types";

/** Builds the verifier for a tenant's scheme; an unknown scheme or missing settings is a ConfigError. */
export function createVerifier(options: VerifierOptions): Verifier {
  if (!isTenantScheme(options.scheme)) throw new ConfigError(`unknown scheme '${String(options.scheme)}'`);
  // Presets and custom descriptions run on the declarative engine.
  if (!isSchemeName(options.scheme)) return declarativeVerifier(options) as Verifier;
  switch (options.scheme) {
    case "standard-webhooks":
      return standardWebhooksVerifier(options) as Verifier;
    case "stripe":
      return stripeVerifier(options) as Verifier;
    case "github":
      return githubVerifier() as Verifier;
    case "shopify":
      return shopifyVerifier() as Verifier;
    case "slack":
      return slackVerifier(options) as Verifier;
    case "twilio":
      return twilioVerifier() as Verifier;
    case "hmac-sha256":
      if (!options.hmac) throw new ConfigError("scheme hmac-sha256 needs hmac settings (header, encoding)");
      return genericHmacVerifier(options.hmac) as Verifier;
  }
}

/**
 * Runs a verifier so that nothing it throws can turn into a 5xx or an acceptance: a verifier bug on hostile
 * input is still a rejected request.
 */
export function verifySafely(verifier: Verifier, ...args: Parameters<Verifier["verify"]>): ReturnType<Verifier["verify"]> {
  try {
    return verifier.verify(...args);
  } catch {
    return { ok: false, status: 401, reason: "bad_signature", message: "signature could not be verified" };
  }
}

/** The same guard for a scheme's GET verification (Meta, Okta). */
export function verifyGetSafely(verifier: Verifier, ...args: Parameters<Verifier["verify"]>): ReturnType<Verifier["verify"]> {
  try {
    return verifier.verifyGet!(...args);
  } catch {
    return { ok: false, status: 401, reason: "bad_signature", message: "verification request could not be authenticated" };
  }
}

/**
 * Why a tenant's secret list cannot serve its scheme (`secret #<i>: <why>`), or undefined: the verifier's own
 * prepare decides, so the config check (`pulumi up`), the local secrets file (`npm start --secrets`) and the
 * handler agree exactly. Never includes a secret.
 */
export function secretsProblem(options: VerifierOptions, secrets: readonly string[]): string | undefined {
  try {
    createVerifier(options).prepare(secrets);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The same for one secret, without the position prefix. */
export function secretProblemFor(options: VerifierOptions, secret: string): string | undefined {
  return secretsProblem(options, [secret])?.replace(/^secret #\d+: /, "");
}
