// Okta event hooks: authenticated by a static secret in a header the admin configures (default Authorization),
// compared in constant time; nothing is signed. The one-time verification is a GET with
// X-Okta-Verification-Challenge, answered with {"verification": <challenge>} once the same header holds.
// https://developer.okta.com/docs/concepts/event-hooks/
import { constantTimeEqual } from "../../crypto";
import { firstHeader } from "../../headers";
import { badSignature, missingHeader, reject } from "../types";
import type { Preset } from "./preset";

export const okta: Preset = {
  name: "okta",
  provider: "Okta event hooks",
  docs: "https://developer.okta.com/docs/concepts/event-hooks/",
  description: {
    signature: { header: "authorization", algorithm: "token", encoding: "hex" },
    signed: [],
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  getHandshake(request, keys) {
    const challenge = firstHeader(request.headers, "x-okta-verification-challenge");
    if (challenge === undefined) return missingHeader("x-okta-verification-challenge");
    const provided = firstHeader(request.headers, "authorization");
    if (provided === undefined) return missingHeader("authorization");
    const matched = keys.kind === "bytes" && keys.keys.some((key) => constantTimeEqual(Buffer.from(provided, "utf8"), key));
    if (!matched) return badSignature();
    if (challenge.length > 256) return reject(400, "malformed_header", "verification challenge too long");
    return { contentType: "application/json", body: JSON.stringify({ verification: challenge }) };
  },
  notes: "shared token in Authorization, nothing signed; id = body hash; GET verification answered",
};
