import { ConfigError } from "../errors";
import { genericHmacVerifier, githubVerifier, shopifyVerifier } from "./bodyHmac";
import { slackVerifier } from "./slack";
import { standardWebhooksVerifier } from "./standardWebhooks";
import { stripeVerifier } from "./stripe";
import { twilioVerifier } from "./twilio";
import { isSchemeName, type Verifier, type VerifierOptions } from "./types";

/** Builds the verifier for a tenant's scheme; an unknown scheme or missing settings is a ConfigError. */
export function createVerifier(options: VerifierOptions): Verifier {
  if (!isSchemeName(options.scheme)) throw new ConfigError(`unknown scheme '${String(options.scheme)}'`);
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
