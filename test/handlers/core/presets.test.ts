// Provider presets: each description is valid for the engine, published vectors verify, what the local signer
// signs for every preset verifies and any changed signed byte does not, and each handshake is answered only when
// its own authentication holds.
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { parseDescription, prepareDeclarativeKeys, verifyDeclarative, type SchemeDescription } from "../../../handlers/core/verify/declarative";
import { PRESETS, presetNamed } from "../../../handlers/core/verify/presets";
import { descriptionOf, type Preset } from "../../../handlers/core/verify/presets/preset";
import { signWithDescription } from "../../../local/signDeclarative";

const NOW = 1_760_000_000;
const URL = "https://abc.lambda-url.eu-west-1.on.aws/";
const SETTINGS = { notificationUrl: "https://hooks.example.com/square", verifyToken: "meta-verify-token" };

/** A key pair or secret for a preset, as a tenant would configure it and as the provider would sign with it. */
function credentialsFor(preset: Preset): { secret: string; signingKey: Buffer | KeyObject } {
  if (preset.secretFormat === "hex32-ed25519") {
    const pair = generateKeyPairSync("ed25519");
    return { secret: pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex"), signingKey: pair.privateKey };
  }
  if (preset.secretFormat === "ecdsa-p256-der-base64") {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return { secret: pair.publicKey.export({ format: "der", type: "spki" }).toString("base64"), signingKey: pair.privateKey };
  }
  return { secret: `${preset.name}-signing-secret-0123`, signingKey: Buffer.from(`${preset.name}-signing-secret-0123`, "utf8") };
}

/** A body the preset's provider would send (timestamps and ids where the description reads them). */
function bodyFor(description: SchemeDescription, nowSeconds: number, n: number): Buffer {
  const event: Record<string, unknown> = { id: `evt_${n}`, event_id: `evt_${n}`, event: { id: `evt_${n}` }, type: 2, data: { n, text: "héllo ✓" } };
  if (description.timestamp && "json" in description.timestamp.from && !description.timestamp.from.json.includes(".")) {
    event[description.timestamp.from.json] = description.timestamp.format === "unix-ms" ? nowSeconds * 1000 : nowSeconds;
  }
  if (description.signature.json !== undefined) {
    // Mailgun: the signature travels in the body, over timestamp + token.
    event.signature = { timestamp: String(nowSeconds), token: `token-${n}-${"x".repeat(40)}`, signature: "" };
  }
  return Buffer.from(JSON.stringify(event));
}

function signedRequest(preset: Preset, credentials: { signingKey: Buffer | KeyObject }, nowSeconds: number, n = 1) {
  const description = descriptionOf(preset, SETTINGS);
  let body = bodyFor(description, nowSeconds, n);
  const headers: Record<string, string> = { "content-type": "application/json", "twitch-eventsub-message-id": `msg-${n}`, "x-gitlab-event-uuid": "g-1" };
  if (description.signature.json !== undefined) {
    const parsed = JSON.parse(body.toString()) as { signature: { timestamp: string; token: string; signature: string } };
    parsed.signature.signature = createHmac("sha256", credentials.signingKey as Buffer).update(parsed.signature.timestamp + parsed.signature.token).digest("hex");
    body = Buffer.from(JSON.stringify(parsed));
    return { body, headers, method: "POST", url: URL, nowSeconds: NOW };
  }
  return { body, headers: signWithDescription(description, credentials.signingKey, { body, url: URL, nowSeconds, headers }), method: "POST", url: URL, nowSeconds: NOW };
}

describe("provider presets", () => {
  it("there are presets for the 22 providers the README lists, named after them in lower case", () => {
    assert.deepEqual([...PRESETS.map((p) => p.name)].sort(), [
      "bitbucket", "calendly", "coinbase", "discord", "gitlab", "hubspot", "intercom", "linear", "mailgun", "meta", "mux", "okta",
      "paddle", "pagerduty", "sendgrid", "sentry", "square", "twitch", "typeform", "vercel", "workos", "zoom",
    ]);
    for (const preset of PRESETS) assert.match(preset.docs, /^https:\/\//, `${preset.name} links its documentation`);
  });

  for (const preset of PRESETS) {
    describe(preset.name, () => {
      const description = descriptionOf(preset, SETTINGS);
      const tolerance = preset.toleranceSeconds ?? 300;

      it("its description passes the same validation as a tenant's custom one, and says the same once parsed", () => {
        const parsed = parseDescription(JSON.parse(JSON.stringify(description)), preset.name);
        assert.deepEqual({ ...parsed, signature: { ...parsed.signature, format: undefined } }, { ...description, signature: { ...description.signature, format: undefined } });
      });

      it("what its provider signs verifies; the event id comes from signed material", () => {
        const credentials = credentialsFor(preset);
        const keys = prepareDeclarativeKeys(description, [credentials.secret]);
        const request = signedRequest(preset, credentials, NOW);
        const verdict = verifyDeclarative(description, request, keys, tolerance);
        assert.ok(verdict.ok, JSON.stringify(verdict));
        if (description.eventId && "json" in description.eventId && description.eventId.json.startsWith("signature.")) assert.match(verdict.eventId, /^token-1-/);
        else if (description.eventId && "json" in description.eventId) assert.equal(verdict.eventId, "evt_1");
        else if (description.eventId && "header" in description.eventId) assert.equal(verdict.eventId, "msg-1");
        else assert.match(verdict.eventId, /^(sig|sha256):[0-9a-f]{64}$/);
      });

      it("any changed signed byte fails; another secret fails", () => {
        const credentials = credentialsFor(preset);
        const keys = prepareDeclarativeKeys(description, [credentials.secret]);
        const request = signedRequest(preset, credentials, NOW);
        const signsBody = description.signed.some((p) => "body" in p);
        fc.assert(
          fc.property(fc.nat(request.body.length - 1), (at) => {
            const body = Buffer.from(request.body);
            body[at] ^= 0x20;
            const verdict = verifyDeclarative(description, { ...request, body }, keys, tolerance);
            // Where the body is signed, any change fails. (Mailgun signs timestamp + token only, and GitLab/Okta
            // nothing: there, by the provider's design, a changed body is not seen; their ids are the body hash or
            // the signed token, so a changed body is at least another event, never the same one.)
            if (signsBody) assert.equal(verdict.ok, false);
          }),
          { numRuns: 40 },
        );
        const other = credentialsFor(preset);
        assert.equal(verifyDeclarative(description, request, prepareDeclarativeKeys(description, [other.secret === credentials.secret ? `${other.secret}x` : other.secret]), tolerance).ok, false);
      });

      if (description.timestamp) {
        it("a signed timestamp outside its tolerance is refused", () => {
          const credentials = credentialsFor(preset);
          const keys = prepareDeclarativeKeys(description, [credentials.secret]);
          const stale = signedRequest(preset, credentials, NOW - tolerance - 5);
          const verdict = verifyDeclarative(description, stale, keys, tolerance);
          assert.equal(!verdict.ok && verdict.reason, "timestamp_out_of_tolerance");
        });
      }
    });
  }

  describe("published vectors", () => {
    it("Square: the three vectors of Square's SDK tests", () => {
      const square = presetNamed("square")!;
      const vectors = [
        ["Ibxx_5AKakO-3qeNVR61Dw", "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}', "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="],
        ["signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":"fake_id"}}', "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="],
        ["signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":">id<"}}', "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="],
      ] as const;
      for (const [key, notificationUrl, body, signature] of vectors) {
        const description = descriptionOf(square, { notificationUrl });
        const verdict = verifyDeclarative(description, { headers: { "x-square-hmacsha256-signature": signature }, body: Buffer.from(body), url: URL, nowSeconds: NOW }, prepareDeclarativeKeys(description, [key]), 300);
        assert.ok(verdict.ok, body);
      }
      const first = descriptionOf(square, { notificationUrl: vectors[0][1] });
      const verdict = verifyDeclarative(first, { headers: { "x-square-hmacsha256-signature": vectors[0][3] }, body: Buffer.from(vectors[0][2]), url: URL, nowSeconds: NOW }, prepareDeclarativeKeys(first, [vectors[0][0]]), 300);
      assert.equal(verdict.ok && verdict.eventId, "ac3ac95b-f97d-458c-a6e6-18981597e05f", "the signed event_id");
      const elsewhere = descriptionOf(square, { notificationUrl: "https://webhook.site/other" });
      assert.equal(verifyDeclarative(elsewhere, { headers: { "x-square-hmacsha256-signature": vectors[1][3] }, body: Buffer.from(vectors[1][2]), url: URL, nowSeconds: NOW }, prepareDeclarativeKeys(elsewhere, [vectors[1][0]]), 300).ok, false, "the notification URL is signed");
    });

    it("SendGrid: the vector of SendGrid's SDK tests (ECDSA P-256)", () => {
      const sendgrid = presetNamed("sendgrid")!;
      const description = descriptionOf(sendgrid, {});
      const keys = prepareDeclarativeKeys(description, ["MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="]);
      const request = {
        headers: {
          "x-twilio-email-event-webhook-signature": "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=",
          "x-twilio-email-event-webhook-timestamp": "1588788367",
        },
        body: Buffer.from('{"category":"example_payload","event":"test_event","message_id":"message_id"}'),
        url: URL,
        nowSeconds: 1588788367,
      };
      assert.ok(verifyDeclarative(description, request, keys, 300).ok);
      assert.equal(verifyDeclarative(description, { ...request, body: Buffer.concat([request.body, Buffer.from("\r\n")]) }, keys, 300).ok, false);
    });
  });

  describe("handshakes, each only after its own authentication", () => {
    it("Twitch: the challenge of a signed webhook_callback_verification is echoed as text/plain", () => {
      const twitch = presetNamed("twitch")!;
      const description = descriptionOf(twitch, {});
      const secret = "twitch-secret-0123";
      const body = Buffer.from('{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}');
      const headers = signWithDescription(description, Buffer.from(secret), { body, url: URL, nowSeconds: NOW, headers: { "twitch-eventsub-message-id": "m1", "twitch-eventsub-message-type": "webhook_callback_verification" } });
      const keys = prepareDeclarativeKeys(description, [secret]);
      assert.ok(verifyDeclarative(description, { headers, body, url: URL, nowSeconds: NOW }, keys, 600).ok);
      assert.deepEqual(twitch.handshake!({ headers, body, url: URL, nowSeconds: NOW }, keys), { contentType: "text/plain", body: "pogchamp-kappa-360noscope-vohiyo" });
      // The message type header is not signed: a captured verification sent again as a `notification` (or with no
      // type) is still answered as the handshake it is, never accepted as an event.
      for (const type of ["notification", "revocation", undefined]) {
        const replayed: Record<string, string> = { ...headers };
        if (type === undefined) delete replayed["twitch-eventsub-message-type"];
        else replayed["twitch-eventsub-message-type"] = type;
        assert.deepEqual(twitch.handshake!({ headers: replayed, body, url: URL, nowSeconds: NOW }, keys), { contentType: "text/plain", body: "pogchamp-kappa-360noscope-vohiyo" }, String(type));
      }
      // A notification's body has no challenge, whatever its type header says.
      const notification = Buffer.from('{"subscription":{"status":"enabled"},"event":{"user_id":"1"}}');
      assert.equal(twitch.handshake!({ headers, body: notification, url: URL, nowSeconds: NOW }, keys), undefined);
    });

    it("every POST handshake is decided by the signed request alone: no unsigned header, added, changed or removed, changes its answer", () => {
      const samples: Record<string, Buffer[]> = {
        twitch: [Buffer.from('{"challenge":"c-1","subscription":{}}'), Buffer.from('{"subscription":{},"event":{}}')],
        zoom: [Buffer.from('{"event":"endpoint.url_validation","payload":{"plainToken":"t-1"},"event_ts":1}'), Buffer.from('{"event":"meeting.started","payload":{}}')],
        discord: [Buffer.from('{"type":1,"id":"1"}'), Buffer.from('{"type":2,"id":"1"}')],
      };
      const withHandshake = PRESETS.filter((p) => p.handshake !== undefined);
      assert.deepEqual(withHandshake.map((p) => p.name).sort(), Object.keys(samples).sort(), "a sample body for every preset with a POST handshake");
      for (const preset of withHandshake) {
        const description = descriptionOf(preset, {});
        const signedNames = new Set([
          ...description.signed.flatMap((p) => ("header" in p ? [p.header.toLowerCase()] : [])),
          ...(description.timestamp && "header" in description.timestamp.from ? [description.timestamp.from.header.toLowerCase()] : []),
          ...("header" in description.signature && description.signature.header ? [description.signature.header.toLowerCase()] : []),
        ]);
        const keys = preset.name === "discord" ? { kind: "public" as const, keys: [] } : prepareDeclarativeKeys(description, ["handshake-secret-0123"]);
        for (const body of samples[preset.name]!) {
          const base: Record<string, string> = { "content-type": "application/json", "twitch-eventsub-message-type": "webhook_callback_verification" };
          const answer = preset.handshake!({ headers: base, body, url: URL, nowSeconds: NOW }, keys);
          fc.assert(
            fc.property(fc.dictionary(fc.constantFrom("twitch-eventsub-message-type", "x-zm-event", "content-type", "x-anything", ...signedNames), fc.option(fc.string({ maxLength: 40 }), { nil: undefined })), (changes) => {
              const headers: Record<string, string> = { ...base };
              for (const [name, value] of Object.entries(changes)) {
                if (signedNames.has(name)) continue;
                if (value === undefined) delete headers[name];
                else headers[name] = value;
              }
              assert.deepEqual(preset.handshake!({ headers, body, url: URL, nowSeconds: NOW }, keys), answer);
            }),
            { numRuns: 50 },
          );
        }
      }
    });

    it("Zoom: endpoint.url_validation gets the plain token and its HMAC with the secret token", () => {
      const zoom = presetNamed("zoom")!;
      const keys = prepareDeclarativeKeys(descriptionOf(zoom, {}), ["zoom-secret-token"]);
      const body = Buffer.from('{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}');
      const headers = signWithDescription(descriptionOf(zoom, {}), Buffer.from("zoom-secret-token"), { body, url: URL, nowSeconds: NOW });
      const answer = zoom.handshake!({ headers, body, url: URL, nowSeconds: NOW }, keys)!;
      assert.deepEqual(JSON.parse(answer.body), { plainToken: "qgg8vlvZRS6UYooatFL8Aw", encryptedToken: createHmac("sha256", "zoom-secret-token").update("qgg8vlvZRS6UYooatFL8Aw").digest("hex") });
    });

    it("Meta: the GET challenge is echoed only when the verify token matches", () => {
      const meta = presetNamed("meta")!;
      const keys = prepareDeclarativeKeys(descriptionOf(meta, {}), ["meta-app-secret"]);
      const get = (token: string) => meta.getHandshake!({ headers: {}, body: Buffer.alloc(0), url: `${URL}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`, nowSeconds: NOW }, keys, SETTINGS);
      assert.deepEqual(get("meta-verify-token"), { contentType: "text/plain", body: "1158201444" });
      assert.equal((get("wrong-token") as { status: number }).status, 401);
    });

    it("Okta: the verification GET is answered only with the configured Authorization secret", () => {
      const okta = presetNamed("okta")!;
      const keys = prepareDeclarativeKeys(descriptionOf(okta, {}), ["okta-shared-secret"]);
      const get = (authorization: string) => okta.getHandshake!({ headers: { authorization, "x-okta-verification-challenge": "c4f1a2" }, body: Buffer.alloc(0), url: URL, nowSeconds: NOW }, keys, {});
      assert.deepEqual(get("okta-shared-secret"), { contentType: "application/json", body: '{"verification":"c4f1a2"}' });
      assert.equal((get("okta-shared-secreT") as { status: number }).status, 401);
    });

    it("Discord: a PING gets a PONG", () => {
      const discord = presetNamed("discord")!;
      const keys = { kind: "public" as const, keys: [] };
      assert.deepEqual(discord.handshake!({ headers: {}, body: Buffer.from('{"type":1,"id":"1"}'), url: URL, nowSeconds: NOW }, keys), { contentType: "application/json", body: '{"type":1}' });
      assert.equal(discord.handshake!({ headers: {}, body: Buffer.from('{"type":2,"id":"1"}'), url: URL, nowSeconds: NOW }, keys), undefined);
    });
  });
});
