// The stored item (handlers/core/eventItem.ts): its key, the tenant's write shard, the time-ordered key of the
// tenant-by-time index, the TTL, and the metadata carried over from the envelope, exactly when present.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Envelope } from "../../../handlers/core/envelope";
import { ConfigError, MalformedEnvelopeError, SecretsUnavailableError } from "../../../handlers/core/errors";
import { eventItemFrom, TENANT_WRITE_SHARDS, tenantShardOf } from "../../../handlers/core/eventItem";
import { firstHeader, normalizeHeaders } from "../../../handlers/core/headers";

const envelope: Envelope = { tenant: "acme", eventId: "evt_1", scheme: "github", receivedAt: 1_760_000_123_456, headers: { "x-github-event": "push" }, unsignedHeaders: ["x-github-event"], body: Buffer.from("{}") };

describe("stored event item", () => {
  it("key, time-ordered index key and TTL: <tenant>#<eventId>, <ISO time>, received second + retention days", () => {
    const item = eventItemFrom(envelope, 7);
    assert.equal(item.pk, "acme#evt_1");
    assert.equal(item.receivedKey, "2025-10-09T08:55:23.456Z");
    assert.equal(item.expiresAt, 1_760_000_123 + 7 * 86_400);
    assert.equal(eventItemFrom(envelope, 0.5).expiresAt, 1_760_000_123 + 43_200, "fractional days round to whole seconds");
    assert.deepEqual([item.tenant, item.eventId, item.scheme, item.receivedAt, item.size], ["acme", "evt_1", "github", 1_760_000_123_456, 2]);
  });

  it("a tenant's events spread over exactly its write shards, <tenant>#0 to #15, the same shard for the same event", () => {
    assert.equal(TENANT_WRITE_SHARDS, 16);
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (eventId) => {
        const shard = tenantShardOf("acme", eventId);
        assert.match(shard, /^acme#(\d|1[0-5])$/);
        assert.equal(tenantShardOf("acme", eventId), shard);
        seen.add(shard);
      }),
      { numRuns: 400 },
    );
    assert.equal(seen.size, 16, "every shard is used");
  });

  it("delivery id and signed URL are carried exactly when the envelope has them", () => {
    const bare = eventItemFrom(envelope, 7);
    assert.ok(!("deliveryId" in bare) && !("signedUrl" in bare));
    const full = eventItemFrom({ ...envelope, deliveryId: "d-1", signedUrl: "https://x/y" }, 7);
    assert.deepEqual([full.deliveryId, full.signedUrl], ["d-1", "https://x/y"]);
  });
});

describe("request headers", () => {
  it("names are lower-cased, repeated and list values joined with ',', undefined values dropped", () => {
    assert.deepEqual(normalizeHeaders({ "X-A": "1", "x-a": "2", "X-B": ["3", "4"], "X-C": undefined }), { "x-a": "1,2", "x-b": "3,4" });
    assert.deepEqual(normalizeHeaders(undefined), {});
  });

  it("firstHeader: the first present, non-empty one", () => {
    assert.equal(firstHeader({ a: "", b: "2", c: "3" }, "a", "b", "c"), "2");
    assert.equal(firstHeader({ a: "" }, "a"), undefined);
    assert.equal(firstHeader({}, "a"), undefined);
  });
});

describe("domain errors", () => {
  it("configuration, secrets and malformed envelopes are not retryable, and carry their own name", () => {
    for (const error of [new ConfigError("c"), new SecretsUnavailableError("s"), new MalformedEnvelopeError("m")]) {
      assert.equal(error.retryable, false, error.name);
      assert.equal(error.name, error.constructor.name);
    }
  });
});
