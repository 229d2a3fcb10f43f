import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { MAX_ID_LENGTH, SCHEMES, SIGNATURE_LIMITS, type SchemeName, type VerifyRequest } from "../../../handlers/core/verify/types";
import { signRequest, standardWebhooksEd25519Signature } from "../../../local/sign";
import {
  arbDeliveryId, arbHeaders, arbBody, arbSchemeBody, arbSecret, ENDPOINT, HMAC_OPTIONS, NOW_SECONDS, TOLERANCE,
} from "../../helpers/arbitraries";

const verifierFor = (scheme: SchemeName) => createVerifier({ scheme, toleranceSeconds: TOLERANCE, hmac: HMAC_OPTIONS });

function verify(scheme: SchemeName, secrets: string[], request: VerifyRequest) {
  const verifier = verifierFor(scheme);
  return verifier.verify(request, verifier.prepare(secrets));
}

interface Signed {
  scheme: SchemeName;
  secret: string;
  deliveryId: string;
  request: VerifyRequest;
}

function arbSigned(scheme: SchemeName, skew: fc.Arbitrary<number> = fc.integer({ min: -TOLERANCE, max: TOLERANCE })): fc.Arbitrary<Signed> {
  return fc.record({ secret: arbSecret(scheme), deliveryId: arbDeliveryId, body: arbSchemeBody(scheme), skew }).map(({ secret, deliveryId, body, skew }) => {
    const signed = signRequest({
      scheme, secret, body: body.body, contentType: body.contentType, nowSeconds: NOW_SECONDS + skew, url: ENDPOINT, deliveryId, hmac: HMAC_OPTIONS,
    });
    return { scheme, secret, deliveryId, request: { headers: signed.headers, body: body.body, url: signed.url, nowSeconds: NOW_SECONDS } };
  });
}

/** Where each scheme puts its signature: header, the text before the digest, and the digest's encoding. */
const SIGNATURE_SITES: Record<SchemeName, { header: string; pattern: RegExp; encoding: "hex" | "base64" }> = {
  "standard-webhooks": { header: "webhook-signature", pattern: /^(v1,)(.+)$/, encoding: "base64" },
  stripe: { header: "stripe-signature", pattern: /^(t=\d+,v1=)(.+)$/, encoding: "hex" },
  github: { header: "x-hub-signature-256", pattern: /^(sha256=)(.+)$/, encoding: "hex" },
  shopify: { header: "x-shopify-hmac-sha256", pattern: /^()(.+)$/, encoding: "base64" },
  slack: { header: "x-slack-signature", pattern: /^(v0=)(.+)$/, encoding: "hex" },
  twilio: { header: "x-twilio-signature", pattern: /^()(.+)$/, encoding: "base64" },
  "hmac-sha256": { header: "x-signature", pattern: /^(sha256=)(.+)$/, encoding: "hex" },
};

const TIMESTAMPED: Partial<Record<SchemeName, (request: VerifyRequest, delta: number) => VerifyRequest>> = {
  "standard-webhooks": (r, d) => ({ ...r, headers: { ...r.headers, "webhook-timestamp": String(Number(r.headers["webhook-timestamp"]) + d) } }),
  stripe: (r, d) => ({ ...r, headers: { ...r.headers, "stripe-signature": r.headers["stripe-signature"]!.replace(/^t=(\d+)/, (_, t) => `t=${Number(t) + d}`) } }),
  slack: (r, d) => ({ ...r, headers: { ...r.headers, "x-slack-request-timestamp": String(Number(r.headers["x-slack-request-timestamp"]) + d) } }),
};

/** Twilio form bodies sign decoded params, not bytes ('+' and ' ' both mean a space), so byte flips use JSON. */
const signsRawBytes = (signed: Signed) => !(signed.scheme === "twilio" && !signed.request.url.includes("bodySHA256"));

describe("signature verification (properties)", () => {
  for (const scheme of SCHEMES) {
    describe(scheme, () => {
      it("a request signed as the provider signs it verifies", () => {
        fc.assert(
          fc.property(arbSigned(scheme), (signed) => {
            const verdict = verify(scheme, [signed.secret], signed.request);
            assert.equal(verdict.ok, true, JSON.stringify(verdict));
          }),
        );
      });

      it("any changed byte of the body fails verification", () => {
        fc.assert(
          fc.property(arbSigned(scheme).filter(signsRawBytes), fc.nat(), fc.integer({ min: 1, max: 255 }), (signed, at, xor) => {
            fc.pre(signed.request.body.length > 0);
            const body = Buffer.from(signed.request.body);
            body[at % body.length] ^= xor;
            const verdict = verify(scheme, [signed.secret], { ...signed.request, body });
            assert.equal(verdict.ok, false);
          }),
        );
      });

      it("an appended or dropped body byte fails verification", () => {
        fc.assert(
          fc.property(arbSigned(scheme).filter(signsRawBytes), fc.boolean(), (signed, append) => {
            const body = append ? Buffer.concat([signed.request.body, Buffer.from(" ")]) : signed.request.body.subarray(0, -1);
            fc.pre(append || signed.request.body.length > 0);
            assert.equal(verify(scheme, [signed.secret], { ...signed.request, body }).ok, false);
          }),
        );
      });

      it("any changed byte of the signature fails verification", () => {
        const site = SIGNATURE_SITES[scheme];
        fc.assert(
          fc.property(arbSigned(scheme), fc.nat(), fc.integer({ min: 1, max: 255 }), (signed, at, xor) => {
            const [, prefix, digest] = site.pattern.exec(signed.request.headers[site.header]!)!;
            const bytes = Buffer.from(digest!, site.encoding);
            bytes[at % bytes.length] ^= xor;
            const headers = { ...signed.request.headers, [site.header]: `${prefix}${bytes.toString(site.encoding)}` };
            const verdict = verify(scheme, [signed.secret], { ...signed.request, headers });
            assert.equal(verdict.ok, false);
            if (!verdict.ok) assert.equal(verdict.status, 401);
          }),
        );
      });

      it("a signature made with another secret fails, and any listed secret verifies (rotation)", () => {
        fc.assert(
          fc.property(arbSigned(scheme), fc.array(arbSecret(scheme), { minLength: 1, maxLength: 4 }), fc.nat(), (signed, others, position) => {
            const strangers = others.filter((other) => other !== signed.secret);
            fc.pre(strangers.length > 0);
            assert.equal(verify(scheme, strangers, signed.request).ok, false);
            const rotated = [...strangers];
            rotated.splice(position % (rotated.length + 1), 0, signed.secret);
            assert.equal(verify(scheme, rotated, signed.request).ok, true);
          }),
        );
      });

      const shift = TIMESTAMPED[scheme];
      if (shift) {
        it("a changed timestamp fails verification", () => {
          fc.assert(
            fc.property(arbSigned(scheme, fc.constant(0)), fc.integer({ min: -TOLERANCE, max: TOLERANCE }).filter((d) => d !== 0), (signed, delta) => {
              assert.equal(verify(scheme, [signed.secret], shift(signed.request, delta)).ok, false);
            }),
          );
        });

        it("timestamps outside the tolerance fail in both directions, even when correctly signed", () => {
          const outside = fc.oneof(fc.integer({ min: TOLERANCE + 1, max: 10 * 365 * 86_400 }), fc.integer({ min: -10 * 365 * 86_400, max: -TOLERANCE - 1 }));
          fc.assert(
            fc.property(arbSigned(scheme, outside), (signed) => {
              const verdict = verify(scheme, [signed.secret], signed.request);
              assert.equal(verdict.ok, false);
              if (!verdict.ok) assert.equal(verdict.reason, "timestamp_out_of_tolerance");
            }),
          );
        });
      }

      it("the verifier never throws on arbitrary headers and bodies, and answers 4xx", () => {
        fc.assert(
          fc.property(arbSecret(scheme), arbHeaders, arbBody, fc.string({ maxLength: 60 }), (secret, headers, body, url) => {
            const verdict = verify(scheme, [secret], { headers, body, url, nowSeconds: NOW_SECONDS });
            assert.equal(verdict.ok, false);
            if (!verdict.ok) assert.ok(verdict.status === 400 || verdict.status === 401);
          }),
          { numRuns: 300 },
        );
      });
    });
  }

  it("standard-webhooks: any changed byte of the webhook-id fails verification", () => {
    fc.assert(
      fc.property(arbSigned("standard-webhooks"), fc.nat(), (signed, at) => {
        const id = signed.request.headers["webhook-id"]!;
        const i = at % id.length;
        const changed = id.slice(0, i) + (id[i] === "a" ? "b" : "a") + id.slice(i + 1);
        assert.equal(verify("standard-webhooks", [signed.secret], { ...signed.request, headers: { ...signed.request.headers, "webhook-id": changed } }).ok, false);
      }),
    );
  });

  it("standard-webhooks: the event id is the webhook-id, and unknown signature versions are skipped", () => {
    fc.assert(
      fc.property(arbSigned("standard-webhooks"), (signed) => {
        const headers = { ...signed.request.headers, "webhook-signature": `v2,abcd v1,notbase64! ${signed.request.headers["webhook-signature"]}` };
        assert.deepEqual(verify("standard-webhooks", [signed.secret], { ...signed.request, headers }), {
          ok: true, eventId: signed.deliveryId, deliveryId: signed.deliveryId, signedHeaders: ["webhook-id", "webhook-timestamp"],
        });
      }),
    );
  });

  it("standard-webhooks v1a: an Ed25519 signature verifies with the whpk_ key and fails on any changed body byte", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const whpk = `whpk_${raw.toString("base64")}`;
    fc.assert(
      fc.property(arbDeliveryId, arbBody, fc.nat(), (id, body, at) => {
        const headers = { "webhook-id": id, "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": standardWebhooksEd25519Signature(privateKey, id, NOW_SECONDS, body) };
        const request = { headers, body, url: "", nowSeconds: NOW_SECONDS };
        assert.deepEqual(verify("standard-webhooks", [whpk], request), { ok: true, eventId: id, deliveryId: id, signedHeaders: ["webhook-id", "webhook-timestamp"] });
        const changed = body.length === 0 ? Buffer.from("x") : Buffer.from(body);
        if (body.length > 0) changed[at % changed.length] ^= 1;
        assert.equal(verify("standard-webhooks", [whpk], { ...request, body: changed }).ok, false);
      }),
      { numRuns: 50 },
    );
  });

  it("standard-webhooks: the signed webhook-id is the event id", () => {
    fc.assert(
      fc.property(arbSigned("standard-webhooks"), (signed) => {
        const verdict = verify("standard-webhooks", [signed.secret], signed.request);
        assert.ok(verdict.ok && verdict.eventId === signed.deliveryId && verdict.deliveryId === signed.deliveryId);
      }),
      { numRuns: 30 },
    );
  });
});

/** Where each scheme carries its unsigned delivery id. */
const DELIVERY_HEADERS: Partial<Record<SchemeName, string>> = {
  github: "x-github-delivery",
  shopify: "x-shopify-webhook-id",
  twilio: "i-twilio-idempotency-token",
};

describe("event ids come from signed material (properties)", () => {
  for (const scheme of ["github", "shopify", "twilio", "hmac-sha256"] as const) {
    it(`${scheme}: replayed under a fresh delivery id, a request is the same event (the id is kept as metadata only)`, () => {
      fc.assert(
        fc.property(arbSigned(scheme), arbDeliveryId, (signed, fresh) => {
          const first = verify(scheme, [signed.secret], signed.request);
          const header = DELIVERY_HEADERS[scheme];
          const replayed = verify(scheme, [signed.secret], header ? { ...signed.request, headers: { ...signed.request.headers, [header]: fresh } } : signed.request);
          assert.ok(first.ok && replayed.ok);
          assert.equal(replayed.eventId, first.eventId);
          assert.match(first.eventId, /^sig:[0-9a-f]{64}$/);
          if (header) assert.equal(replayed.deliveryId, fresh);
        }),
        { numRuns: 50 },
      );
    });

    it(`${scheme}: the event id is not the signature (a stored id must not be replayable)`, () => {
      const site = SIGNATURE_SITES[scheme];
      fc.assert(
        fc.property(arbSigned(scheme), (signed) => {
          const verdict = verify(scheme, [signed.secret], signed.request);
          const [, , digest] = site.pattern.exec(signed.request.headers[site.header]!)!;
          const mac = Buffer.from(digest!, site.encoding);
          assert.ok(verdict.ok);
          for (const form of [mac.toString("hex"), mac.toString("base64")]) assert.ok(!verdict.eventId.includes(form));
        }),
        { numRuns: 30 },
      );
    });
  }

  it("different bodies get different event ids; equal bodies the same (body-only schemes)", () => {
    fc.assert(
      fc.property(arbSecret("github"), arbBody, arbBody, (secret, a, b) => {
        const ids = [a, b].map((body) => {
          const signed = signRequest({ scheme: "github", secret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
          const verdict = verify("github", [secret], { headers: signed.headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
          assert.ok(verdict.ok);
          return verdict.eventId;
        });
        assert.equal(ids[0] === ids[1], a.equals(b));
      }),
      { numRuns: 50 },
    );
  });

  it("each verifier reports the headers its signature covers, and only kept headers it really signs", () => {
    const covered: Record<SchemeName, string[]> = {
      "standard-webhooks": ["webhook-id", "webhook-timestamp"],
      stripe: [],
      github: [],
      shopify: [],
      slack: ["x-slack-request-timestamp"],
      twilio: [],
      "hmac-sha256": [],
    };
    for (const scheme of SCHEMES) {
      fc.assert(
        fc.property(arbSigned(scheme), (signed) => {
          const verdict = verify(scheme, [signed.secret], signed.request);
          assert.ok(verdict.ok);
          assert.deepEqual([...verdict.signedHeaders], covered[scheme], scheme);
        }),
        { numRuns: 10 },
      );
    }
  });

  for (const [scheme, field] of [["stripe", "id"], ["slack", "event_id"]] as const) {
    it(`${scheme}: a signed ${field} longer than ${MAX_ID_LENGTH} characters is not the event id (the body hash is)`, () => {
      const secret = scheme === "stripe" ? "whsec_0123456789abcdef" : "slack-signing-secret";
      const long = `evt_${"x".repeat(5000)}`;
      const body = Buffer.from(JSON.stringify({ [field]: long, type: "event_callback" }));
      const signed = signRequest({ scheme, secret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
      const verdict = verify(scheme, [secret], { headers: signed.headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
      assert.ok(verdict.ok);
      assert.match(verdict.eventId, /^sha256:[0-9a-f]{64}$/);
      const short = Buffer.from(JSON.stringify({ [field]: "x".repeat(MAX_ID_LENGTH) }));
      const again = signRequest({ scheme, secret, body: short, nowSeconds: NOW_SECONDS, url: ENDPOINT });
      const kept = verify(scheme, [secret], { headers: again.headers, body: short, url: ENDPOINT, nowSeconds: NOW_SECONDS });
      assert.ok(kept.ok && kept.eventId === "x".repeat(MAX_ID_LENGTH));
    });
  }

  it("stripe: the event id is the body's first top-level id wherever it stands; a repeat after it is not read", () => {
    const secret = "whsec_0123456789abcdef";
    const idOf = (text: string) => {
      const body = Buffer.from(text);
      const signed = signRequest({ scheme: "stripe", secret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
      const verdict = verify("stripe", [secret], { headers: signed.headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
      assert.ok(verdict.ok, text);
      return verdict.eventId;
    };
    assert.equal(idOf('{"id":"evt_1","object":"event","data":{"object":{"id":"ch_1"}}}'), "evt_1");
    assert.equal(idOf('{"object":"event","data":{"id":"ch_1"},"id":"evt_2"}'), "evt_2");
    assert.equal(idOf('{"id":"evt_first","object":"event","id":"evt_second"}'), "evt_first");
    assert.match(idOf('{"id":7,"id":"evt_second"}'), /^sha256:[0-9a-f]{64}$/, "a non-string first id: the body hash");
    assert.match(idOf('{"object":"event","data":{"id":"ch_1"}}'), /^sha256:[0-9a-f]{64}$/, "no top-level id: the body hash");
  });

  it("github/shopify: a delivery id longer than the cap is kept cut to it", () => {
    const secret = "0123456789abcdef";
    const body = Buffer.from("{}");
    const signed = signRequest({ scheme: "github", secret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT, deliveryId: "d".repeat(5000) });
    const verdict = verify("github", [secret], { headers: signed.headers, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
    assert.ok(verdict.ok && verdict.deliveryId === "d".repeat(MAX_ID_LENGTH));
  });
});

/** A Twilio form post signed as Twilio signs it. */
function twilioForm(secret: string, pairs: [string, string][], url = ENDPOINT) {
  const body = Buffer.from(new URLSearchParams(pairs).toString());
  const signed = signRequest({ scheme: "twilio", secret, body, nowSeconds: NOW_SECONDS, url, contentType: "application/x-www-form-urlencoded" });
  return { headers: signed.headers, body, url: signed.url, nowSeconds: NOW_SECONDS };
}

const arbPairs = fc.array(fc.tuple(fc.stringMatching(/^[A-Z][A-Za-z]{0,8}$/), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 8 });

describe("twilio: the canonical signed string, not the bytes, is the event (properties)", () => {
  it("a moved name/value boundary ('Bod=yHello' for 'Body=Hello') signs the same string: same event id", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    const request = twilioForm(secret, [["Body", "Hello"], ["From", "+15551230000"]]);
    const original = verify("twilio", [secret], request);
    const moved = verify("twilio", [secret], { ...request, body: Buffer.from("From=%2B15551230000&Bod=yHello") });
    assert.ok(original.ok && moved.ok);
    assert.equal(moved.eventId, original.eventId);
  });

  it("reordered parameters and extra '&' verify as the same event id", () => {
    fc.assert(
      fc.property(arbSecret("twilio"), arbPairs, fc.nat(), (secret, pairs, seed) => {
        const request = twilioForm(secret, pairs);
        const original = verify("twilio", [secret], request);
        assert.ok(original.ok);
        const reordered = [...pairs].sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7)).reverse();
        const variants = [
          new URLSearchParams(reordered).toString(),
          `&${request.body.toString()}&&`,
        ];
        for (const text of variants) {
          const verdict = verify("twilio", [secret], { ...request, body: Buffer.from(text) });
          // Same signed string: it verifies, and it is the same event (stored once).
          assert.ok(verdict.ok, text);
          assert.equal(verdict.eventId, original.eventId, text);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("the event id is the same whatever the I-Twilio-Idempotency-Token says, and the signed URL is kept", () => {
    fc.assert(
      fc.property(arbSecret("twilio"), arbPairs, arbDeliveryId, (secret, pairs, token) => {
        const request = twilioForm(secret, pairs);
        const plain = verify("twilio", [secret], request);
        const tokened = verify("twilio", [secret], { ...request, headers: { ...request.headers, "i-twilio-idempotency-token": token } });
        assert.ok(plain.ok && tokened.ok);
        assert.equal(tokened.eventId, plain.eventId);
        assert.equal(tokened.signedUrl, ENDPOINT);
      }),
      { numRuns: 50 },
    );
  });

  it("a repeated parameter with identical values is signed once per distinct value, as twilio-node does", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    // twilio-node: Array.from(new Set(values)).sort(), so To=a&To=a signs "Toa" once.
    const tail = "ToaTob";
    const signature = createHmac("sha1", secret).update(ENDPOINT + tail).digest("base64");
    for (const body of ["To=b&To=a&To=a", "To=a&To=b"]) {
      const verdict = verify("twilio", [secret], { headers: { "x-twilio-signature": signature }, body: Buffer.from(body), url: ENDPOINT, nowSeconds: NOW_SECONDS });
      assert.ok(verdict.ok, body);
    }
  });
});

describe("bounded work per request", () => {
  const secret = `whsec_${Buffer.alloc(32, 5).toString("base64")}`;
  const body = Buffer.from('{"a":1}');
  const base = signRequest({ scheme: "standard-webhooks", secret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT, deliveryId: "msg_1" });
  const withSignatures = (value: string) => ({ headers: { ...base.headers, "webhook-signature": value }, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
  const junk = (n: number) => `v1a,${Buffer.alloc(64, n).toString("base64")}`;

  it(`standard-webhooks: more than ${SIGNATURE_LIMITS.maxEntries} distinct signatures, or a header over ${SIGNATURE_LIMITS.maxHeaderLength} characters, is a 400 before any verify`, () => {
    const many = Array.from({ length: SIGNATURE_LIMITS.maxEntries + 1 }, (_, i) => junk(i)).join(" ");
    for (const header of [many, `${base.headers["webhook-signature"]} ${"x".repeat(SIGNATURE_LIMITS.maxHeaderLength)}`]) {
      const verdict = verify("standard-webhooks", [secret], withSignatures(header));
      assert.ok(!verdict.ok && verdict.status === 400 && verdict.reason === "malformed_header", JSON.stringify(verdict));
    }
  });

  it("standard-webhooks: repeated identical entries count once (a rotation's duplicates still verify)", () => {
    const repeated = Array.from({ length: 12 }, () => base.headers["webhook-signature"]).join(" ");
    assert.ok(repeated.length <= SIGNATURE_LIMITS.maxHeaderLength);
    assert.equal(verify("standard-webhooks", [secret], withSignatures(repeated)).ok, true);
  });

  it(`stripe: more than ${SIGNATURE_LIMITS.maxEntries} distinct v1 entries, or a long header, is a 400`, () => {
    const stripeSecret = "whsec_0123456789";
    const signed = signRequest({ scheme: "stripe", secret: stripeSecret, body, nowSeconds: NOW_SECONDS, url: ENDPOINT });
    const header = signed.headers["stripe-signature"]!;
    const extra = Array.from({ length: SIGNATURE_LIMITS.maxEntries }, (_, i) => `v1=${Buffer.alloc(32, i).toString("hex")}`).join(",");
    for (const value of [`${header},${extra}`, `${header},${"x".repeat(SIGNATURE_LIMITS.maxHeaderLength)}`]) {
      const verdict = verify("stripe", [stripeSecret], { headers: { "stripe-signature": value }, body, url: ENDPOINT, nowSeconds: NOW_SECONDS });
      assert.ok(!verdict.ok && verdict.status === 400, JSON.stringify(verdict));
    }
    const duplicated = `${header},${header.split(",")[1]},${header.split(",")[1]}`;
    assert.equal(verify("stripe", [stripeSecret], { headers: { "stripe-signature": duplicated }, body, url: ENDPOINT, nowSeconds: NOW_SECONDS }).ok, true);
  });

  it(`twilio: more than ${SIGNATURE_LIMITS.maxFormParams} form parameters is a 400 malformed_body; exactly that many verifies`, () => {
    const token = "0123456789abcdef0123456789abcdef";
    const pairs = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`P${i}`, "v"]);
    const atLimit = twilioForm(token, pairs(SIGNATURE_LIMITS.maxFormParams));
    assert.equal(verify("twilio", [token], atLimit).ok, true);
    const over = twilioForm(token, pairs(SIGNATURE_LIMITS.maxFormParams + 1));
    const verdict = verify("twilio", [token], over);
    assert.ok(!verdict.ok && verdict.status === 400 && verdict.reason === "malformed_body", JSON.stringify(verdict));
    assert.match(verdict.message, /form parameters/);
  });
});
