// Meta (Facebook, Instagram, WhatsApp Cloud API) webhooks: `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256 of
// the body with the App Secret. Subscribing, Meta sends a GET with hub.mode=subscribe, hub.verify_token and
// hub.challenge; the challenge is echoed only when the verify token matches the tenant's.
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started
import { constantTimeEqual } from "../../crypto";
import { reject } from "../types";
import type { Preset } from "./preset";

export const meta: Preset = {
  name: "meta",
  provider: "Meta (Facebook, Instagram, WhatsApp)",
  docs: "https://developers.facebook.com/docs/graph-api/webhooks/getting-started",
  description: {
    signature: { header: "x-hub-signature-256", algorithm: "hmac-sha256", encoding: "hex", prefix: "sha256=" },
    signed: [{ body: true }],
    secret: { encoding: "utf8" },
  },
  settings: [{ name: "verifyToken", doc: "the Verify Token entered in Meta's webhook settings (a secret: webhooks:secrets holds it as `verifyToken:<token>`)", secret: true }],
  secretFormat: "utf8",
  getHandshake(request, _keys, settings) {
    const query = new URL(request.url).searchParams;
    const expected = settings.verifyToken;
    if (query.get("hub.mode") !== "subscribe" || expected === undefined) return reject(400, "malformed_header", "not a Meta subscription request");
    const token = Buffer.from(query.get("hub.verify_token") ?? "", "utf8");
    if (!constantTimeEqual(token, Buffer.from(expected, "utf8"))) return reject(401, "bad_signature", "verify token does not match");
    const challenge = query.get("hub.challenge") ?? "";
    if (challenge === "" || challenge.length > 256) return reject(400, "malformed_header", "hub.challenge missing");
    return { contentType: "text/plain", body: challenge };
  },
  notes: "no timestamp; id = sig: of the verified MAC; GET hub.challenge echoed after the verify token matches",
};
