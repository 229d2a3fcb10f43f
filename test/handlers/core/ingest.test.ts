// The ingest decision (handlers/core/ingest.ts) on its own: limits at their exact boundary, what the envelope
// records about the verdict, and that every refusal says why.
import assert from "node:assert/strict";
import { INLINE_BODY_MAX_BYTES } from "../../../handlers/core/claimCheck";
import { decodeEnvelope, SQS_MAX_MESSAGE_BYTES } from "../../../handlers/core/envelope";
import { evaluateIngest, type IngestRequest, type IngestSettings } from "../../../handlers/core/ingest";
import { createVerifier } from "../../../handlers/core/verify/registry";
import type { Verdict, Verifier } from "../../../handlers/core/verify/types";
import { signRequest } from "../../../local/sign";

const NOW = 1_760_000_000_000;
const URL = "https://abc.lambda-url.eu-west-1.on.aws/acme";

/** A verifier that accepts everything with the given verdict: the decision after verification, isolated. */
function accepting(verdict: Partial<Verdict & { ok: true }> = {}): Verifier {
  return { scheme: "github", prepare: (s) => s, verify: () => ({ ok: true, eventId: "evt-1", signedHeaders: [], ...verdict }) as Verdict };
}

function post(body: string, extra: Partial<IngestRequest> = {}): IngestRequest {
  return { method: "POST", headers: { "content-type": "application/json" }, body, isBase64Encoded: false, url: URL, ...extra };
}

const settings = (maxBodyBytes: number): IngestSettings => ({ tenant: "acme", scheme: "github", maxBodyBytes });

describe("ingest decision", () => {
  it("a message of exactly SQS's 1 MiB is accepted; one byte more is a 413 that names SQS's limit", () => {
    assert.equal(SQS_MAX_MESSAGE_BYTES, 1_048_576, "SQS's largest message (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html)");
    // A text body over INLINE_BODY_MAX_BYTES travels as itself (smaller ones as base64): the rest is overhead.
    const probeBytes = INLINE_BODY_MAX_BYTES + 1;
    const probe = evaluateIngest(post("a".repeat(probeBytes)), settings(2 * 1_048_576), accepting(), [], NOW);
    assert.equal(probe.kind, "accepted");
    const overhead = Buffer.byteLength(probe.kind === "accepted" ? probe.message : "", "utf8") - probeBytes;
    const exact = evaluateIngest(post("a".repeat(1_048_576 - overhead)), settings(2 * 1_048_576), accepting(), [], NOW);
    assert.equal(exact.kind, "accepted");
    assert.equal(Buffer.byteLength(exact.kind === "accepted" ? exact.message : "", "utf8"), 1_048_576);
    const over = evaluateIngest(post("a".repeat(1_048_576 - overhead + 1)), settings(2 * 1_048_576), accepting(), [], NOW);
    assert.equal(over.kind, "rejected");
    if (over.kind === "rejected") {
      assert.deepEqual([over.status, over.reason], [413, "body_too_large"]);
      assert.match(over.message, /1048577 bytes, over SQS's 1048576/);
    }
  });

  it("the envelope lists as unsigned exactly the kept headers the verdict does not cover", () => {
    const headers = { "content-type": "application/json", "webhook-timestamp": "1760000000", "user-agent": "Svix" };
    const outcome = evaluateIngest(post("{}", { headers }), settings(1024), accepting({ signedHeaders: ["webhook-timestamp"] }), [], NOW);
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.deepEqual([...outcome.envelope.unsignedHeaders!].sort(), ["content-type", "user-agent"]);
    assert.deepEqual(decodeEnvelope(outcome.message).unsignedHeaders!.slice().sort(), ["content-type", "user-agent"]);
  });

  it("standard-webhooks: the signed webhook-timestamp is not marked unsigned (a real verifier's verdict)", () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const body = Buffer.from('{"type":"x"}');
    const signed = signRequest({ scheme: "standard-webhooks", secret, body, nowSeconds: NOW / 1000, url: URL });
    const verifier = createVerifier({ scheme: "standard-webhooks", toleranceSeconds: 300 });
    const outcome = evaluateIngest(post(body.toString(), { headers: { ...signed.headers, "user-agent": "Svix" } }), { ...settings(1024), scheme: "standard-webhooks" }, verifier, verifier.prepare([secret]), NOW);
    assert.equal(outcome.kind, "accepted", outcome.kind === "rejected" ? outcome.message : "");
    if (outcome.kind !== "accepted") return;
    assert.ok("webhook-timestamp" in outcome.envelope.headers);
    assert.ok(!outcome.envelope.unsignedHeaders!.includes("webhook-timestamp"));
    assert.ok(outcome.envelope.unsignedHeaders!.includes("user-agent"));
  });

  it("every refusal tells the sender why in words (a non-empty message beside the reason code)", () => {
    const refusals = [
      evaluateIngest(post("{}", { method: "PUT" }), settings(1024), accepting(), [], NOW),
      evaluateIngest(post("{}", { method: "GET" }), settings(1024), accepting(), [], NOW),
      evaluateIngest(post("x".repeat(1025)), settings(1024), accepting(), [], NOW),
      evaluateIngest(post(Buffer.alloc(1025).toString("base64"), { isBase64Encoded: true }), settings(1024), accepting(), [], NOW),
    ];
    for (const outcome of refusals) {
      assert.equal(outcome.kind, "rejected");
      if (outcome.kind === "rejected") assert.ok(outcome.message.length > 10, `${outcome.reason}: '${outcome.message}'`);
    }
    assert.match((refusals[0] as { message: string }).message, /POST/);
    assert.match((refusals[2] as { message: string }).message, /1024 bytes/);
  });

  describe("GET: a provider proving the endpoint", () => {
    const getVerdicts: { url: string; method: string }[] = [];
    const proving = (getVerdict: Verdict): Verifier => ({
      ...accepting(),
      verify: () => assert.fail("a GET is never verified as a delivery"),
      verifyGet: (request) => (getVerdicts.push({ url: request.url, method: request.method ?? "" }), getVerdict),
    });
    const get = (extra: Partial<IngestRequest> = {}) => post("", { method: "GET", url: `${URL}?hub.challenge=42`, ...extra });

    it("is answered with the handshake once the scheme's GET check holds, never enqueued", () => {
      getVerdicts.length = 0;
      const outcome = evaluateIngest(get({ method: "get" }), settings(1024), proving({ ok: true, eventId: "hs-1", signedHeaders: [], handshake: { contentType: "text/plain", body: "42" } }), [], NOW);
      assert.deepEqual(outcome, { kind: "handshake", eventId: "hs-1", contentType: "text/plain", body: "42" });
      assert.deepEqual(getVerdicts, [{ url: `${URL}?hub.challenge=42`, method: "GET" }]);
    });

    it("a GET whose check fails is refused as the check says; one that holds without a handshake is a 405", () => {
      const refused = evaluateIngest(get(), settings(1024), proving({ ok: false, status: 401, reason: "bad_signature", message: "verify token mismatch" }), [], NOW);
      assert.deepEqual(refused, { kind: "rejected", status: 401, reason: "bad_signature", message: "verify token mismatch" });
      const plain = evaluateIngest(get(), settings(1024), proving({ ok: true, eventId: "x", signedHeaders: [] }), [], NOW);
      assert.deepEqual(plain, { kind: "rejected", status: 405, reason: "method_not_allowed", message: "only POST is accepted" });
    });

    it("a GET to a scheme without a GET check, or any other method, is a 405 naming POST", () => {
      for (const method of ["GET", "PUT", "DELETE", ""]) {
        assert.deepEqual(evaluateIngest(post("{}", { method }), settings(1024), accepting(), [], NOW), { kind: "rejected", status: 405, reason: "method_not_allowed", message: "only POST is accepted" }, method);
      }
    });

    it("a POST to a scheme with a GET check is verified as a delivery, in any letter case", () => {
      const verifier: Verifier = { ...accepting(), verifyGet: () => assert.fail("a POST never takes the GET check") };
      assert.equal(evaluateIngest(post("{}"), settings(1024), verifier, [], NOW).kind, "accepted");
      assert.equal(evaluateIngest(post("{}", { method: "post" }), settings(1024), verifier, [], NOW).kind, "accepted");
    });
  });

  it("a body over maxBodyBytes is a 413 naming the limit", () => {
    assert.deepEqual(evaluateIngest(post("x".repeat(1025)), settings(1024), accepting(), [], NOW), { kind: "rejected", status: 413, reason: "body_too_large", message: "body exceeds 1024 bytes" });
    assert.equal(evaluateIngest(post("x".repeat(1024)), settings(1024), accepting(), [], NOW).kind, "accepted");
  });
});
