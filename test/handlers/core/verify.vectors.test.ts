// Published test vectors: the Standard Webhooks JS library's tests, GitHub's "Validating webhook deliveries",
// Slack's "Verifying requests from Slack", Twilio's SDK tests.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createVerifier } from "../../../handlers/core/verify/registry";
import type { VerifyRequest } from "../../../handlers/core/verify/types";
import { signRequest } from "../../../local/sign";

function check(scheme: Parameters<typeof createVerifier>[0]["scheme"], secret: string, request: VerifyRequest) {
  const verifier = createVerifier({ scheme, toleranceSeconds: 300 });
  return verifier.verify(request, verifier.prepare([secret]));
}

/** Twilio's SDK vectors use the Auth Token "12345", which prepare rightly refuses (not 32 hex): keys given as-is. */
function checkTwilio(authToken: string, request: VerifyRequest) {
  return createVerifier({ scheme: "twilio", toleranceSeconds: 300 }).verify(request, [Buffer.from(authToken)]);
}

describe("published test vectors", () => {
  it("Standard Webhooks: the library's reference signature verifies", () => {
    const verdict = check("standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", {
      headers: {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      },
      body: Buffer.from('{"test": 2432232314}'),
      url: "",
      nowSeconds: 1614265330,
    });
    assert.deepEqual(verdict, { ok: true, eventId: "msg_p5jXN8AQM9LWM0D4loKWxJek", deliveryId: "msg_p5jXN8AQM9LWM0D4loKWxJek", signedHeaders: ["webhook-id", "webhook-timestamp"] });
  });

  it("Standard Webhooks: the signer reproduces the reference signature", () => {
    const signed = signRequest({
      scheme: "standard-webhooks",
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      body: Buffer.from('{"test": 2432232314}'),
      nowSeconds: 1614265330,
      url: "",
      deliveryId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    });
    assert.equal(signed.headers["webhook-signature"], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("GitHub: the docs' example delivery verifies", () => {
    const verdict = check("github", "It's a Secret to Everybody", {
      headers: { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "x-github-delivery": "d1" },
      body: Buffer.from("Hello, World!"),
      url: "",
      nowSeconds: 0,
    });
    // The delivery id is unsigned: kept as metadata; the event id comes from the MAC that verified (hashed).
    const mac = createHmac("sha256", "It's a Secret to Everybody").update("Hello, World!").digest();
    assert.equal(mac.toString("hex"), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    assert.deepEqual(verdict, { ok: true, eventId: `sig:${createHash("sha256").update(mac).digest("hex")}`, deliveryId: "d1", signedHeaders: [] });
  });

  it("Slack: the docs' example request verifies", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const verdict = check("slack", "8f742231b10e8888abcd99yyyzzz85a5", {
      headers: { "x-slack-request-timestamp": "1531420618", "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" },
      body: Buffer.from(body),
      url: "",
      nowSeconds: 1531420618 + 10,
    });
    assert.equal(verdict.ok, true);
  });

  it("Twilio: the SDK's form-params vector verifies", () => {
    const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };
    const verdict = checkTwilio("12345", {
      headers: { "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
      body: Buffer.from(new URLSearchParams(params).toString()),
      url: "https://mycompany.com/myapp.php?foo=1&bar=2",
      nowSeconds: 0,
    });
    assert.equal(verdict.ok, true);
  });

  it("Twilio: the SDK's bodySHA256 vector verifies, also with the default port added", () => {
    const body = Buffer.from('{"property": "value", "boolean": true}');
    const query = "?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    for (const host of ["mycompany.com", "mycompany.com:443"]) {
      const verdict = checkTwilio("12345", {
        headers: { "x-twilio-signature": "a9nBmqA0ju/hNViExpshrM61xv4=" },
        body,
        url: `https://${host}/myapp.php${query}`,
        nowSeconds: 0,
      });
      assert.equal(verdict.ok, true, host);
    }
  });

  it("Twilio: a body that does not match bodySHA256 is refused", () => {
    const verdict = checkTwilio("12345", {
      headers: { "x-twilio-signature": "a9nBmqA0ju/hNViExpshrM61xv4=" },
      body: Buffer.from('{"property": "value", "boolean": false}'),
      url: "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
      nowSeconds: 0,
    });
    assert.equal(verdict.ok, false);
  });
});
