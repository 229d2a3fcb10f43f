// The claim check's pointer at its edges (handlers/core/claimCheck.ts and the places that carry it): what a
// pointer must be to be read (bucket, key under the tenant and exactly this event's, a size a function URL can
// carry, a sha256), a version 3 envelope keeping its metadata, and readers tolerating a pointer without fields.
// test/claimCheck/core.test.ts covers the threshold and the pipeline.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { analyticsRecordOf } from "../../../handlers/core/analytics";
import { bodyKeyOf, bodyPointerProblem, MAX_POINTED_BODY_BYTES } from "../../../handlers/core/claimCheck";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../../../handlers/core/envelope";
import { eventItemFrom } from "../../../handlers/core/eventItem";
import { makeIngestHandler } from "../../../handlers/ingestHandler";
import { createVerifier } from "../../../handlers/core/verify/registry";
import { CachedSecrets } from "../../../handlers/adapters/secrets";
import { functionUrlEvent } from "../../../local/events";
import { signRequest } from "../../../local/sign";
import { MetricsSpy, silentLogger } from "../../helpers/handlers";

const NOW = 1_760_000_000_000;
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const bodySha = sha("the body");
const pointer = { bucket: "bodies", key: `acme/${sha("e1")}/${bodySha}`, size: 9000, sha256: bodySha };

describe("claim check pointers", () => {
  it("the key is <tenant>/<sha256(event id)>/<sha256(body)>", () => {
    assert.equal(bodyKeyOf("acme", "e1", bodySha), `acme/${sha("e1")}/${bodySha}`);
  });

  it("a pointer needs a bucket, a key string, a safe integer size from 0 to 6 MiB, and a lower-case hex sha256", () => {
    assert.equal(MAX_POINTED_BODY_BYTES, 6 * 1024 * 1024);
    const problem = (p: unknown) => bodyPointerProblem(p, "acme", "e1");
    assert.equal(problem(pointer), undefined);
    assert.equal(problem({ ...pointer, size: 0 }), undefined, "an empty body");
    assert.equal(problem({ ...pointer, size: 6 * 1024 * 1024 }), undefined, "the largest function URL payload (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)");
    for (const notObject of [null, undefined, [pointer], 5]) assert.equal(problem(notObject), "bodyPointer is not an object", String(notObject));
    assert.equal(problem("acme/x"), "bodyPointer is not an object");
    assert.equal(problem({ ...pointer, bucket: undefined }), "bodyPointer.bucket missing");
    assert.equal(problem({ ...pointer, bucket: "" }), "bodyPointer.bucket missing");
    assert.equal(problem({ ...pointer, bucket: 5 }), "bodyPointer.bucket missing");
    assert.equal(problem({ ...pointer, key: 5 }), "bodyPointer.key is not under the tenant's prefix 'acme/'");
    assert.equal(problem({ ...pointer, key: `x/acme/${sha("e1")}` }), "bodyPointer.key is not under the tenant's prefix 'acme/'");
    for (const size of [-1, 1.5, "9000", 6 * 1024 * 1024 + 1, Number.MAX_SAFE_INTEGER + 1]) {
      assert.equal(problem({ ...pointer, size }), "bodyPointer.size is not a byte count a function URL can carry", String(size));
    }
    assert.equal(problem({ ...pointer, sha256: bodySha.toUpperCase() }), "bodyPointer.sha256 is not a sha256 in hex");
    assert.equal(problem({ ...pointer, sha256: 5 }), "bodyPointer.sha256 is not a sha256 in hex");
    assert.equal(problem({ ...pointer, sha256: `${bodySha}0` }), "bodyPointer.sha256 is not a sha256 in hex");
    assert.equal(problem({ ...pointer, key: `acme/${sha("e2")}/${bodySha}` }), "bodyPointer.key is not the key of this event's body");
  });

  it("a version 3 envelope keeps its unsigned headers, delivery id and signed URL, and carries no body", () => {
    const envelope: Envelope = {
      tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: { "x-github-event": "push", "user-agent": "GitHub" }, unsignedHeaders: ["user-agent"],
      deliveryId: "d-1", signedUrl: "https://x/y", body: Buffer.alloc(0), bodyPointer: pointer,
    };
    const message = encodeEnvelope(envelope);
    const wire = JSON.parse(message);
    assert.deepEqual([wire.v, wire.body, wire.bodyEncoding, wire.bodyPointer], [3, undefined, undefined, pointer]);
    assert.deepEqual(decodeEnvelope(message), envelope);
    const extra = encodeEnvelope({ ...envelope, bodyPointer: { ...pointer, extra: "x" } as never });
    assert.deepEqual(JSON.parse(extra).bodyPointer, pointer, "only the pointer's own fields travel");
  });

  it("the item of an inline body has no pointer; of a pointed one, the pointer and its size", () => {
    const inline = eventItemFrom({ tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: {}, body: Buffer.from("{}") }, 7);
    assert.equal("bodyPointer" in inline, false);
    assert.equal(inline.size, 2);
    const pointed = eventItemFrom({ tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: {}, body: Buffer.alloc(0), bodyPointer: pointer }, 7);
    assert.deepEqual([pointed.bodyPointer, pointed.size], [pointer, 9000]);
  });

  it("an analytics record of an image whose pointer lacks fields reads them as empty, never throws", () => {
    const image = { pk: { S: "acme#e1" }, tenant: { S: "acme" }, eventId: { S: "e1" }, scheme: { S: "github" }, receivedAt: { N: String(NOW) }, bodyPointer: { M: {} } };
    const record = analyticsRecordOf(image as never)!;
    assert.deepEqual(record.bodyPointer, { bucket: "", key: "", size: Number.NaN, sha256: "" });
    assert.equal(record.payload, undefined);
  });

  it("a body over the inline threshold with no body store configured is a 503, nothing enqueued", async () => {
    const verifier = createVerifier({ scheme: "github", toleranceSeconds: 300 });
    const sent: string[] = [];
    const metrics = new MetricsSpy();
    const ingest = makeIngestHandler({
      settings: { tenant: "acme", scheme: "github", maxBodyBytes: 6_291_456, bodyBucket: "bodies" },
      verifier,
      keys: new CachedSecrets({ load: async () => ["gh-secret"] }, (s) => verifier.prepare(s), 60_000),
      queue: { send: async (message) => (sent.push(message), { messageId: "m" }) },
      now: () => NOW, logger: silentLogger, metrics: metrics.sink, namespace: "Test",
    });
    const body = Buffer.from(JSON.stringify({ pad: "x".repeat(10_000) }));
    const signed = signRequest({ scheme: "github", secret: "gh-secret", body, nowSeconds: NOW / 1000, url: "https://abc.lambda-url.eu-west-1.on.aws/" });
    const response = await ingest(functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body }, NOW));
    assert.deepEqual([response.statusCode, response.headers["retry-after"], JSON.parse(response.body)], [503, "5", { error: "body_store_failed", message: "temporarily unable to accept; retry later" }]);
    assert.deepEqual([sent.length, metrics.total("BodyStoreFailures"), metrics.total("Received")], [0, 1, 1]);
    assert.equal(metrics.lines[0]!.Tenant, "acme");
  });
});
