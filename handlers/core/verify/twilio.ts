// Twilio ("Webhooks security"): `X-Twilio-Signature` = base64 HMAC-SHA1, keyed with the Auth Token, over the
// full URL followed by every POST parameter's name and value, names sorted (repeated names: values sorted).
// JSON bodies are signed differently: the URL carries `bodySHA256=<hex sha256(body)>` and no parameters are
// appended. Twilio's own validator tries the URL with and without the scheme's default port; so do we.
import { URLSearchParams } from "node:url";
import { bodyHashEventId, constantTimeEqual, decodeBase64, hmac, sha256Hex } from "../crypto";
import { firstHeader } from "../headers";
import { badSignature, malformedHeader, missingHeader, reject, utf8Keys, type Verifier } from "./types";

/** The signed string's tail: sorted `name value` pairs of a form body. */
export function twilioFormParams(body: Buffer): string {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body.toString("utf8"))) {
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  let out = "";
  for (const name of [...grouped.keys()].sort()) {
    for (const value of grouped.get(name)!.sort()) out += name + value;
  }
  return out;
}

/** The URL as given, plus the same URL with the default port added or removed. */
export function twilioUrlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "";
  const authority = `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}${parsed.username ? "@" : ""}`;
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  const without = `${parsed.protocol}//${authority}${parsed.hostname}${rest}`;
  const withPort = `${parsed.protocol}//${authority}${parsed.hostname}:${parsed.port || defaultPort}${rest}`;
  const variants = [url];
  if (parsed.port === "" || parsed.port === defaultPort) {
    for (const candidate of [without, withPort]) if (!variants.includes(candidate)) variants.push(candidate);
  }
  return variants;
}

function bodySha256Param(url: string): string | undefined {
  const query = url.indexOf("?");
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get("bodySHA256") ?? undefined;
}

export function twilioVerifier(): Verifier<Buffer[]> {
  return {
    scheme: "twilio",
    prepare: utf8Keys,
    verify(request, keys) {
      const header = firstHeader(request.headers, "x-twilio-signature");
      if (header === undefined) return missingHeader("x-twilio-signature");
      const provided = decodeBase64(header.trim());
      if (!provided) return malformedHeader("x-twilio-signature", "expected base64");

      const bodyHash = bodySha256Param(request.url);
      // With bodySHA256 the body is bound through its hash in the URL; otherwise the form params are signed.
      const tail = bodyHash === undefined ? twilioFormParams(request.body) : "";
      const matched = twilioUrlVariants(request.url).some((url) =>
        keys.some((key) => constantTimeEqual(provided, hmac("sha1", key, url, tail))),
      );
      if (!matched) return badSignature();
      if (bodyHash !== undefined && bodyHash.toLowerCase() !== sha256Hex(request.body)) {
        return reject(401, "bad_signature", "body does not match the signed bodySHA256");
      }
      const token = firstHeader(request.headers, "i-twilio-idempotency-token");
      return { ok: true, eventId: token !== undefined && token.length <= 256 ? token : bodyHashEventId(request.body) };
    },
  };
}
