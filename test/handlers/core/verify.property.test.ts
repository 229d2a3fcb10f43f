import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { SCHEMES, type SchemeName, type VerifyRequest } from "../../../handlers/core/verify/types";
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
        assert.deepEqual(verify("standard-webhooks", [signed.secret], { ...signed.request, headers }), { ok: true, eventId: signed.deliveryId });
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
        assert.deepEqual(verify("standard-webhooks", [whpk], request), { ok: true, eventId: id });
        const changed = body.length === 0 ? Buffer.from("x") : Buffer.from(body);
        if (body.length > 0) changed[at % changed.length] ^= 1;
        assert.equal(verify("standard-webhooks", [whpk], { ...request, body: changed }).ok, false);
      }),
      { numRuns: 50 },
    );
  });

  it("delivery ids become event ids where the provider sends one", () => {
    for (const scheme of ["standard-webhooks", "github", "shopify"] as const) {
      fc.assert(
        fc.property(arbSigned(scheme), (signed) => {
          const verdict = verify(scheme, [signed.secret], signed.request);
          assert.ok(verdict.ok && verdict.eventId === signed.deliveryId);
        }),
        { numRuns: 30 },
      );
    }
  });
});
