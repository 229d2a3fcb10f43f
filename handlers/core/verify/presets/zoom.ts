// Zoom webhooks: `x-zm-signature: v0=<hex>` = HMAC-SHA256 over `v0:{x-zm-request-timestamp}:{body}` with the
// app's Secret Token. endpoint.url_validation is answered with the plain token and its HMAC (hex).
// https://developers.zoom.us/docs/api/webhooks/
import { createHmac } from "node:crypto";
import { jsonField, verifyDeclarative, type SchemeDescription } from "../declarative";
import type { Preset } from "./preset";

const description: SchemeDescription = {
  signature: { header: "x-zm-signature", algorithm: "hmac-sha256", encoding: "hex", prefix: "v0=" },
  signed: [{ literal: "v0:" }, { timestamp: true }, { literal: ":" }, { body: true }],
  timestamp: { from: { header: "x-zm-request-timestamp" }, format: "unix" },
  secret: { encoding: "utf8" },
};

export const zoom: Preset = {
  name: "zoom",
  provider: "Zoom",
  docs: "https://developers.zoom.us/docs/api/webhooks/",
  description,
  secretFormat: "utf8",
  handshake(request, keys) {
    if (jsonField(request.body, "event") !== "endpoint.url_validation" || keys.kind !== "bytes") return undefined;
    const plainToken = jsonField(request.body, "payload.plainToken");
    if (plainToken === undefined || plainToken.length > 256) return undefined;
    // The secret token that signed this request (during a rotation the tenant has two): Zoom checks the answer
    // with the token it signs with. The request already verified; the tolerance does not matter for choosing.
    const signer = keys.keys.find((key) => verifyDeclarative(description, request, { kind: "bytes", keys: [key] }, Number.MAX_SAFE_INTEGER).ok);
    if (!signer) return undefined;
    const encryptedToken = createHmac("sha256", signer).update(plainToken).digest("hex");
    return { contentType: "application/json", body: JSON.stringify({ plainToken, encryptedToken }) };
  },
  notes: "signed unix timestamp; no signed id: a signed body's hash; endpoint.url_validation answered",
};
