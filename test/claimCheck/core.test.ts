// Issue 13, the pure and shell parts of the claim check: the envelope's version 3 (and v1/v2 still decoded),
// the inline threshold exactly and one byte over, the object key, the body put before the message with a 503
// when S3 fails, and the item and analytics record carrying the pointer instead of the body.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CachedSecrets } from "../../handlers/adapters/secrets";
import type { BodyStorePort } from "../../handlers/adapters/s3";
import { eventItemAttributes } from "../../handlers/adapters/dynamo";
import { analyticsRecordOf, kinesisEntryOf, KINESIS_LIMITS } from "../../handlers/core/analytics";
import { bodyKeyOf, bodyPointerProblem, INLINE_BODY_MAX_BYTES, type BodyPointer } from "../../handlers/core/claimCheck";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../../handlers/core/envelope";
import { BodyStoreError } from "../../handlers/core/errors";
import { eventItemFrom } from "../../handlers/core/eventItem";
import { evaluateIngest } from "../../handlers/core/ingest";
import { createVerifier } from "../../handlers/core/verify/registry";
import { makeIngestHandler } from "../../handlers/ingestHandler";
import { functionUrlEvent } from "../../local/events";
import { lambdaAttributeValue } from "../../local/streamMapping";
import { signRequest } from "../../local/sign";
import { MetricsSpy, silentLogger } from "../helpers/handlers";

const NOW = 1_760_000_000_000;
const URL_BASE = "https://abc.lambda-url.eu-west-1.on.aws/";
const SECRET = "gh-secret";
const BUCKET = "webhooks-test-bodies";
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A JSON body of exactly `size` bytes. */
function bodyOfSize(size: number): Buffer {
  const head = '{"id":"evt_1","pad":"';
  const tail = '"}';
  return Buffer.from(head + "x".repeat(size - head.length - tail.length) + tail);
}

function githubEvent(body: Buffer) {
  const signed = signRequest({ scheme: "github", secret: SECRET, body, nowSeconds: NOW / 1000, url: URL_BASE, contentType: "application/json", deliveryId: "d-1" });
  return functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body }, NOW);
}

const verifier = createVerifier({ scheme: "github", toleranceSeconds: 300 });
const settings = { tenant: "acme", scheme: "github" as const, maxBodyBytes: 6_291_456, bodyBucket: BUCKET };

function decide(body: Buffer, withBucket = true) {
  const event = githubEvent(body);
  return evaluateIngest(
    { method: "POST", headers: event.headers as Record<string, string>, body: event.body, isBase64Encoded: event.isBase64Encoded, url: URL_BASE },
    withBucket ? settings : { ...settings, bodyBucket: undefined },
    verifier,
    verifier.prepare([SECRET]),
    NOW,
  );
}

describe("claim check: the ingest decision", () => {
  it(`keeps a body of exactly INLINE_BODY_MAX_BYTES (${INLINE_BODY_MAX_BYTES}) inline, as a version 2 envelope`, () => {
    const body = bodyOfSize(INLINE_BODY_MAX_BYTES);
    const outcome = decide(body);
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.equal(outcome.offload, undefined);
    assert.equal(JSON.parse(outcome.message).v, 2);
    assert.ok(decodeEnvelope(outcome.message).body.equals(body));
  });

  it("puts a body one byte over behind a pointer: version 3, <tenant>/<sha256(eventId)>/<sha256(body)>, size and sha256", () => {
    const body = bodyOfSize(INLINE_BODY_MAX_BYTES + 1);
    const outcome = decide(body);
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    const expected: BodyPointer = { bucket: BUCKET, key: `acme/${sha256(Buffer.from(outcome.envelope.eventId))}/${sha256(body)}`, size: body.length, sha256: sha256(body) };
    assert.deepEqual(outcome.offload?.pointer, expected);
    assert.ok(outcome.offload?.body.equals(body));
    const wire = JSON.parse(outcome.message) as Record<string, unknown>;
    assert.equal(wire.v, 3);
    assert.equal(wire.body, undefined);
    assert.deepEqual(wire.bodyPointer, expected);
    assert.ok(Buffer.byteLength(outcome.message) < 1024, "the message no longer grows with the body");
    const decoded = decodeEnvelope(outcome.message);
    assert.deepEqual(decoded.bodyPointer, expected);
    assert.equal(decoded.body.length, 0);
  });

  it("without a bucket every body stays inline (and one SQS cannot take is still 413, never 503)", () => {
    const inline = decide(bodyOfSize(INLINE_BODY_MAX_BYTES + 1), false);
    assert.equal(inline.kind === "accepted" && inline.offload, undefined);
    const huge = decide(bodyOfSize(2 * 1024 * 1024), false);
    assert.equal(huge.kind, "rejected");
    assert.equal(huge.kind === "rejected" && huge.status, 413);
  });

  it("a 5 MB body fits behind a pointer; the same bytes always get the same key, other bytes under the same event id another", () => {
    const body = bodyOfSize(5 * 1024 * 1024);
    const [a, b] = [decide(body), decide(body)];
    assert.ok(a.kind === "accepted" && b.kind === "accepted");
    if (a.kind !== "accepted" || b.kind !== "accepted") return;
    assert.equal(a.offload!.pointer.key, b.offload!.pointer.key);
    assert.equal(bodyKeyOf("acme", a.envelope.eventId, sha256(body)), a.offload!.pointer.key);
    // A later delivery under the same event id with other bytes (an attempt counter in the body, Mailgun's unsigned
    // event-data) must not overwrite the object the stored item points at.
    const other = Buffer.from(body);
    other[0] ^= 1;
    assert.notEqual(bodyKeyOf("acme", a.envelope.eventId, sha256(other)), a.offload!.pointer.key);
  });
});

describe("claim check: envelopes", () => {
  const base: Envelope = { tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: { "content-type": "application/json" }, unsignedHeaders: [], body: Buffer.alloc(0) };
  const pointer: BodyPointer = { bucket: BUCKET, key: bodyKeyOf("acme", "e1", "a".repeat(64)), size: 10, sha256: "a".repeat(64) };

  it("decodes version 1 and 2 envelopes as before", () => {
    const v1 = JSON.stringify({ v: 1, tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: {}, bodyEncoding: "utf8", body: "hi" });
    assert.equal(decodeEnvelope(v1).body.toString(), "hi");
    assert.equal(decodeEnvelope(v1).bodyPointer, undefined);
    const v2 = encodeEnvelope({ ...base, body: Buffer.from("hello") });
    assert.equal(JSON.parse(v2).v, 2);
    assert.equal(decodeEnvelope(v2).body.toString(), "hello");
  });

  it("refuses a version 3 pointer outside the tenant's prefix, or without size or sha256", () => {
    const v3 = (p: unknown) => JSON.stringify({ ...JSON.parse(encodeEnvelope({ ...base, bodyPointer: pointer })), bodyPointer: p });
    assert.deepEqual(decodeEnvelope(v3(pointer)).bodyPointer, pointer);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, key: "globex/abc" })), /prefix/);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, key: "acme-2/abc" })), /prefix/);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, size: -1 })), /size/);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, sha256: "xyz" })), /sha256/);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, key: bodyKeyOf("acme", "another-event", pointer.sha256) })), /not the key of this event's body/);
    assert.throws(() => decodeEnvelope(v3({ ...pointer, sha256: "b".repeat(64) })), /not the key of this event's body/, "a pointer whose key does not match its sha256");
    assert.throws(() => decodeEnvelope(v3({ ...pointer, size: 6 * 1024 * 1024 + 1 })), /size/);
    assert.throws(() => decodeEnvelope(v3(undefined)), /not an object/);
    assert.equal(bodyPointerProblem(pointer, "acme", "e1"), undefined);
  });

  it("the item holds the pointer and size, no body; the analytics record the pointer, no payload", () => {
    const envelope = decodeEnvelope(encodeEnvelope({ ...base, bodyPointer: { ...pointer, size: 5_000_000 } }));
    const item = eventItemFrom(envelope, 7);
    assert.equal(item.size, 5_000_000);
    const attributes = eventItemAttributes(item);
    assert.equal(attributes.body, undefined);
    assert.deepEqual(attributes.bodyPointer, { M: { bucket: { S: BUCKET }, key: { S: pointer.key }, size: { N: "5000000" }, sha256: { S: pointer.sha256 } } });
    assert.deepEqual(attributes.size, { N: "5000000" });
    const image = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, lambdaAttributeValue(v)])) as never;
    const record = analyticsRecordOf(image)!;
    assert.equal(record.payload, undefined);
    assert.equal(record.size, 5_000_000);
    assert.deepEqual(record.bodyPointer, { ...pointer, size: 5_000_000 });
    const entry = kinesisEntryOf(record, "seq");
    assert.ok(entry.data.length < KINESIS_LIMITS.maxBytesPerRecord);
    assert.equal(JSON.parse(entry.data.toString()).payloadOmitted, undefined);
  });
});

describe("claim check: the ingest handler", () => {
  function handler(bodies: BodyStorePort | undefined) {
    const sent: string[] = [];
    const order: string[] = [];
    const metrics = new MetricsSpy();
    const keys = new CachedSecrets({ load: async () => [SECRET] }, (s) => verifier.prepare(s), 60_000);
    const ingest = makeIngestHandler({
      settings,
      verifier,
      keys,
      queue: { send: async (message) => (order.push("sqs"), sent.push(message), { messageId: `m${sent.length}` }) },
      ...(bodies ? { bodies: { put: async (p, b) => (order.push("s3"), bodies.put(p, b)) } } : {}),
      now: () => NOW,
      logger: silentLogger,
      metrics: metrics.sink,
      namespace: "Test",
    });
    return { ingest, sent, order, metrics };
  }

  it("puts the body, then enqueues the pointer, then answers 202", async () => {
    const stored = new Map<string, Buffer>();
    const { ingest, sent, order, metrics } = handler({ put: async (p, b) => void stored.set(p.key, b) });
    const body = bodyOfSize(INLINE_BODY_MAX_BYTES + 1);
    const response = await ingest(githubEvent(body));
    assert.equal(response.statusCode, 202);
    assert.deepEqual(order, ["s3", "sqs"]);
    const envelope = decodeEnvelope(sent[0]!);
    assert.ok(stored.get(envelope.bodyPointer!.key)!.equals(body));
    assert.equal(metrics.total("Accepted"), 1);
    assert.equal(metrics.total("BodyStoreFailures"), 0);
  });

  it("answers 503 with Retry-After when S3 fails, enqueues nothing, and counts BodyStoreFailures", async () => {
    const { ingest, sent, metrics } = handler({ put: async () => { throw new BodyStoreError("PutObject failed: SlowDown", true); } });
    const response = await ingest(githubEvent(bodyOfSize(20_000)));
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers["retry-after"], "5");
    assert.equal(JSON.parse(response.body).error, "body_store_failed");
    assert.equal(sent.length, 0);
    assert.equal(metrics.total("BodyStoreFailures"), 1);
    assert.equal(metrics.total("Accepted"), 0);
    const line = metrics.lines.find((l) => l.BodyStoreFailures === 1) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
    assert.ok(line._aws.CloudWatchMetrics.some((d) => d.Metrics.some((m) => m.Name === "BodyStoreFailures")), "published as a metric, for its alarm");
  });

  it("a small body never touches S3", async () => {
    const { ingest, order } = handler({ put: async () => assert.fail("no put expected") });
    assert.equal((await ingest(githubEvent(bodyOfSize(100)))).statusCode, 202);
    assert.deepEqual(order, ["sqs"]);
  });
});
