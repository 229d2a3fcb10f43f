// Discord interactions: Ed25519 over timestamp + body, `X-Signature-Ed25519` (hex) and `X-Signature-Timestamp`,
// with the application's public key (hex). A PING (type 1) is answered with {"type":1}; bad signatures get 401
// (Discord checks that they do).
// https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization
import { jsonField } from "../declarative";
import type { Preset } from "./preset";

export const discord: Preset = {
  name: "discord",
  provider: "Discord (interactions)",
  docs: "https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization",
  description: {
    signature: { header: "x-signature-ed25519", algorithm: "ed25519", encoding: "hex" },
    signed: [{ timestamp: true }, { body: true }],
    timestamp: { from: { header: "x-signature-timestamp" }, format: "unix" },
    eventId: { json: "id" },
    secret: { encoding: "hex" },
  },
  secretFormat: "hex32-ed25519",
  handshake(request) {
    return jsonField(request.body, "type") === "1" ? { contentType: "application/json", body: '{"type":1}' } : undefined;
  },
  notes: "Ed25519; signed timestamp; id = body id (signed); PING answered with PONG",
};
