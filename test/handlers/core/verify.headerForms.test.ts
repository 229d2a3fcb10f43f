// Signature headers in every form a sender may legitimately write them (handlers/core/verify/stripe.ts,
// bodyHmac.ts, slack.ts): spaces around Stripe-Signature items, items without '=', spaces around a body-HMAC
// digest, Shopify's newer header names, a generic HMAC header without a prefix; and Slack's handshake answer.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createVerifier } from "../../../handlers/core/verify/registry";
import type { HmacOptions, SchemeName, Verdict } from "../../../handlers/core/verify/types";
import { ENDPOINT, NOW_SECONDS, TOLERANCE } from "../../helpers/arbitraries";

const BODY = Buffer.from('{"id":"evt_1","type":"charge.succeeded"}');

function verify(scheme: SchemeName, secret: string, headers: Record<string, string>, hmac?: HmacOptions, body = BODY): Verdict {
  const verifier = createVerifier({ scheme, toleranceSeconds: TOLERANCE, hmac });
  return verifier.verify({ headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS }, verifier.prepare([secret]));
}

const outcome = (verdict: Verdict) => (verdict.ok ? "accepted" : verdict.message);
const mac = (secret: string, ...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHmac("sha256", secret)).digest();

describe("stripe: Stripe-Signature items", () => {
  // https://docs.stripe.com/webhooks#verify-manually: `t=<unix>,v1=<hex>`, HMAC-SHA256 over `{t}.{body}`.
  const SECRET = "whsec_test_secret";
  const sig = mac(SECRET, `${NOW_SECONDS}.`, BODY).toString("hex");

  it("spaces around an item's key or value are tolerated", () => {
    for (const header of [`t=${NOW_SECONDS}, v1=${sig}`, `t=${NOW_SECONDS} ,v1=${sig} `, ` t = ${NOW_SECONDS} , v1 = ${sig}`]) {
      assert.equal(outcome(verify("stripe", SECRET, { "stripe-signature": header })), "accepted", header);
    }
  });

  it("an item without '=' is skipped, even one that starts with t or v1", () => {
    for (const header of [`t=${NOW_SECONDS},v1=${sig},tx`, `tx,t=${NOW_SECONDS},v1=${sig}`, `t=${NOW_SECONDS},v1=${sig},v1`, `t=${NOW_SECONDS},t,v1=${sig}`]) {
      assert.equal(outcome(verify("stripe", SECRET, { "stripe-signature": header })), "accepted", header);
    }
  });
});

describe("body-HMAC schemes: the digest header", () => {
  it("github: spaces around the digest after sha256= are tolerated", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries: `sha256=<hex>`.
    const hex = mac("gh-secret", BODY).toString("hex");
    for (const header of [`sha256=${hex} `, `sha256= ${hex}`, `sha256=\t${hex}\t`]) {
      assert.equal(outcome(verify("github", "gh-secret", { "x-hub-signature-256": header })), "accepted", JSON.stringify(header));
    }
  });

  it("shopify: the newer event-webhook names shopify-hmac-sha256 and shopify-webhook-id work like the X- ones", () => {
    // https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
    const digest = mac("shop-secret", BODY).toString("base64");
    const verdict = verify("shopify", "shop-secret", { "shopify-hmac-sha256": digest, "shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" });
    assert.ok(verdict.ok, outcome(verdict));
    assert.equal(verdict.deliveryId, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    const old = verify("shopify", "shop-secret", { "x-shopify-hmac-sha256": digest, "x-shopify-webhook-id": "d-1", "shopify-webhook-id": "d-2" });
    assert.ok(old.ok && old.deliveryId === "d-1", "the X- name first");
  });

  it("hmac-sha256 without a prefix: the header is the bare digest", () => {
    const options: HmacOptions = { header: "X-Body-Signature", encoding: "base64" };
    const digest = mac("generic-secret", BODY).toString("base64");
    assert.equal(outcome(verify("hmac-sha256", "generic-secret", { "x-body-signature": digest }, options)), "accepted");
    assert.equal(outcome(verify("hmac-sha256", "generic-secret", { "x-body-signature": `sha256=${digest}` }, options)), "x-body-signature header is malformed: expected base64 digest");
  });
});

describe("body HMAC: a wrong digest against a malformed one", () => {
  it("github: 64 characters that are base64 but not hex are a malformed digest (400); 64 wrong hex characters a bad signature", () => {
    const notHex = "G".repeat(64);
    assert.equal(outcome(verify("github", "github-secret", { "x-hub-signature-256": `sha256=${notHex}` })), "x-hub-signature-256 header is malformed: expected hex digest");
    const wrong = verify("github", "github-secret", { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    assert.ok(!wrong.ok && wrong.reason === "bad_signature", JSON.stringify(wrong));
  });
});

describe("slack: the url_verification handshake", () => {
  it("is answered with the challenge as text/plain", () => {
    // https://api.slack.com/events/url_verification: respond with the challenge value, e.g. as text/plain.
    const body = Buffer.from('{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}');
    const timestamp = String(NOW_SECONDS);
    const signature = `v0=${mac("slack-secret", `v0:${timestamp}:`, body).toString("hex")}`;
    const verdict = verify("slack", "slack-secret", { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp }, undefined, body);
    assert.ok(verdict.ok);
    assert.deepEqual(verdict.handshake, { contentType: "text/plain", body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });
});
