// What crafted or damaged records in the stores may make ops commands read.
import assert from "node:assert/strict";
import { bodyKeyOf } from "../../handlers/core/claimCheck";
import { bodyOf, eventMetaOf } from "../../ops/event";
import { storedBodyOf } from "../../handlers/core/storedBody";
import { batchInfoOf } from "../../ops/republish";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const TABLE = "events-table-2ad7f44";
const record = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: "1.0",
    DDBStreamBatchInfo: {
      shardId: "shardId-00000001",
      startSequenceNumber: "100",
      endSequenceNumber: "200",
      approximateArrivalOfFirstRecord: "2026-11-27T10:00:00Z",
      approximateArrivalOfLastRecord: "2026-11-27T10:00:05Z",
      batchSize: 100,
      streamArn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE}/stream/2026-01-01T00:00:00.000`,
      ...changes,
    },
  });

describe("ops republish: what a failure record may make it read", () => {
  it("a record Lambda writes for this stack's table is taken", () => {
    assert.equal(batchInfoOf(record(), TABLE, NOW)?.shardId, "shardId-00000001");
  });

  const refused: [string, Record<string, unknown>][] = [
    ["another table's stream", { streamArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/other-table/stream/2026-01-01T00:00:00.000" }],
    ["an arrival time that is no date", { approximateArrivalOfFirstRecord: "yesterday" }],
    ["an arrival in 1970 (would replay every tenant's history)", { approximateArrivalOfFirstRecord: "1970-01-01T00:00:00Z" }],
    ["arrivals more than a day apart (longer than a stream keeps records)", { approximateArrivalOfFirstRecord: "2026-11-20T10:00:00Z" }],
    ["the last arrival before the first", { approximateArrivalOfLastRecord: "2026-11-27T09:00:00Z" }],
    ["arrivals in the future", { approximateArrivalOfFirstRecord: "2026-11-28T10:00:00Z", approximateArrivalOfLastRecord: "2026-11-28T10:00:01Z" }],
    ["a sequence range that runs backwards", { startSequenceNumber: "300" }],
    ["a batch larger than a mapping's largest", { batchSize: 10_001 }],
    ["a batch size that is no count", { batchSize: "100" }],
  ];
  for (const [label, changes] of refused) {
    it(`a record with ${label} is left for a person to read`, () => {
      assert.equal(batchInfoOf(record(changes), TABLE, NOW), undefined);
    });
  }
});

describe("ops event: where a stored body may be read from", () => {
  const sha = "a".repeat(64);
  const item = (bucket: string, key: string) => ({ bodyPointer: { M: { bucket: { S: bucket }, key: { S: key }, size: { N: "10" }, sha256: { S: sha } } } });
  const unreachable = { send: async () => assert.fail("S3 must not be asked") } as never;

  it("a pointer to another event's object, another tenant's, or another bucket is refused before any S3 read", async () => {
    const expected = { tenant: "acme", eventId: "e1", bucket: "bodies" };
    await assert.rejects(bodyOf(item("bodies", bodyKeyOf("acme", "e2", sha)), unreachable, expected), /not the key of this event's body/);
    await assert.rejects(bodyOf(item("bodies", bodyKeyOf("globex", "e1", sha)), unreachable, expected), /prefix/);
    await assert.rejects(bodyOf(item("attacker-bucket", bodyKeyOf("acme", "e1", sha)), unreachable, expected), /not the stack's bodies bucket bodies/);
  });
});

describe("ops event: a body stored gzip'ed", () => {
  it("is shown as received; one that does not gunzip to its size is refused, naming encoding and size", async () => {
    const body = Buffer.from(JSON.stringify({ id: "evt_1", data: "x".repeat(600) }));
    const stored = storedBodyOf(body);
    assert.equal(stored.encoding, "gzip");
    const item = { body: { B: stored.bytes }, bodyEncoding: { S: "gzip" }, size: { N: String(body.length) } };
    assert.deepEqual(await bodyOf(item), body);
    assert.deepEqual(await bodyOf({ body: { B: body }, size: { N: String(body.length) } }), body, "an item without bodyEncoding holds the body as received");
    await assert.rejects(bodyOf({ ...item, size: { N: "5" } }), { message: "the event's stored body does not decode (bodyEncoding gzip, size 5)" });
    await assert.rejects(bodyOf({ ...item, bodyEncoding: { S: "br" }, size: undefined as never }), { message: "the event's stored body does not decode (bodyEncoding br, size missing)" });
  });
});

describe("ops event: what it shows of an item besides the body", () => {
  const lean = { pk: { S: "acme#evt_1" }, scheme: { S: "stripe" }, receivedKey: { S: "2026-11-27T12:00:00.000Z" }, headers: { M: { "content-type": { S: "application/json" }, "user-agent": { S: "Stripe/1.0" } } } };

  it("a lean item: time from its key, every kept header unsigned when the item lists none", () => {
    const { meta, warning } = eventMetaOf(lean, "acme", "evt_1", 2);
    assert.equal(warning, undefined);
    assert.deepEqual([meta.receivedAt, meta.scheme, meta.unsignedHeaders], ["2026-11-27T12:00:00.000Z", "stripe", ["content-type", "user-agent"]]);
  });

  it("an item of the layout before: its stored time and list", () => {
    const before = { ...lean, tenant: { S: "acme" }, eventId: { S: "evt_1" }, receivedAt: { N: String(NOW) }, receivedKey: { S: "2026-11-27T12:00:00.000Z#evt_1" }, unsignedHeaders: { L: [{ S: "user-agent" }] } };
    const { meta } = eventMetaOf(before, "acme", "evt_1", 2);
    assert.deepEqual([meta.receivedAt, meta.unsignedHeaders], [new Date(NOW).toISOString(), ["user-agent"]]);
  });

  it("a damaged item (no scheme or time) is shown as far as it reads, with a warning naming tenant and event", () => {
    const { scheme: _scheme, receivedKey: _key, ...damaged } = lean;
    const { meta, warning } = eventMetaOf({ ...damaged, deliveryId: { S: "d-1" } }, "acme", "evt_1", 2);
    assert.match(warning!, /^warning: the item of event 'evt_1' \(tenant acme\) does not read as the workers write items \(no scheme or time/);
    assert.deepEqual([meta.receivedAt, meta.scheme, meta.deliveryId, meta.unsignedHeaders], ["", "", "d-1", ["content-type", "user-agent"]]);
    assert.deepEqual(meta.headers, { "content-type": "application/json", "user-agent": "Stripe/1.0" });
  });

  it("an item whose stored tenant disagrees with its key, or whose time Date cannot hold, still shows its headers and scheme", () => {
    const disagreeing = { ...lean, tenant: { S: "globex" }, eventId: { S: "evt_1" }, receivedAt: { N: String(NOW) } };
    const shown = eventMetaOf(disagreeing, "acme", "evt_1", 2);
    assert.match(shown.warning!, /a stored tenant or event id other than its key's/);
    assert.deepEqual([shown.meta.scheme, Object.keys(shown.meta.headers)], ["stripe", ["content-type", "user-agent"]]);
    const farFuture = eventMetaOf({ ...lean, receivedAt: { N: "1e20" } }, "acme", "evt_1", 2);
    assert.deepEqual([farFuture.meta.scheme, farFuture.meta.receivedAt, farFuture.warning !== undefined], ["stripe", "", true]);
  });
});
