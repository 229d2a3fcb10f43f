import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeEnvelope } from "../../../handlers/core/envelope";
import { StoreError } from "../../../handlers/core/errors";
import type { EventItem } from "../../../handlers/core/eventItem";
import { sqsBatchResponse, storeBatch, type EventStorePort } from "../../../handlers/core/worker";
import { arbBody, arbDeliveryId, arbScheme } from "../../helpers/arbitraries";

/** An in-memory table with DynamoDB's conditional-put semantics, failing the event ids it is told to. */
class MemoryStore implements EventStorePort {
  readonly items = new Map<string, EventItem>();
  constructor(private readonly failing: ReadonlySet<string> = new Set()) {}
  async putIfAbsent(item: EventItem) {
    if (this.failing.has(item.eventId)) throw new StoreError("throttled", true);
    if (this.items.has(item.pk)) return "duplicate" as const;
    this.items.set(item.pk, item);
    return "stored" as const;
  }
}

const TENANT = "acme";
const settings = { tenant: TENANT, retentionDays: 7 };

const arbRecord = fc.oneof(
  { weight: 4, arbitrary: fc.record({ eventId: arbDeliveryId, scheme: arbScheme, body: arbBody }).map((e) => ({ kind: "valid" as const, ...e })) },
  { weight: 1, arbitrary: fc.string().map((garbage) => ({ kind: "garbage" as const, garbage })) },
);

type QueuedRecord = typeof arbRecord extends fc.Arbitrary<infer T> ? T : never;

function toMessages(records: QueuedRecord[]) {
  return records.map((record, index) => ({
    messageId: `m-${index}`,
    body:
      record.kind === "garbage"
        ? record.garbage
        : encodeEnvelope({ tenant: TENANT, eventId: record.eventId, scheme: record.scheme, receivedAt: 1_700_000_000_000, headers: {}, body: record.body }),
  }));
}

describe("worker batch (properties)", () => {
  it("batchItemFailures are exactly the records not stored, a subset of the input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRecord, { maxLength: 10 }), fc.array(arbDeliveryId, { maxLength: 3 }), async (records, failingIds) => {
        const store = new MemoryStore(new Set(failingIds));
        const messages = toMessages(records);
        const outcomes = await storeBatch(messages, store, settings);
        const failed = sqsBatchResponse(outcomes).batchItemFailures.map((f) => f.itemIdentifier);
        const expected = messages
          .filter((_, i) => {
            const record = records[i]!;
            return record.kind === "garbage" || failingIds.includes(record.eventId);
          })
          .map((m) => m.messageId);
        assert.deepEqual(failed, expected);
        const ids = new Set(messages.map((m) => m.messageId));
        assert.ok(failed.every((id) => ids.has(id)));
      }),
    );
  });

  it("duplicate deliveries leave exactly one item per event and all succeed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ eventId: arbDeliveryId, scheme: arbScheme, body: arbBody }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 4 }), async (events, copies) => {
        const store = new MemoryStore();
        const once = toMessages(events.map((e) => ({ kind: "valid" as const, ...e })));
        for (let i = 0; i < copies; i++) {
          const outcomes = await storeBatch(once, store, settings);
          assert.deepEqual(sqsBatchResponse(outcomes).batchItemFailures, []);
        }
        assert.equal(store.items.size, new Set(events.map((e) => e.eventId)).size);
      }),
    );
  });

  it("an envelope addressed to another tenant is reported, not stored", async () => {
    const store = new MemoryStore();
    const body = encodeEnvelope({ tenant: "other", eventId: "e1", scheme: "github", receivedAt: 1, headers: {}, body: Buffer.from("{}") });
    const outcomes = await storeBatch([{ messageId: "m1", body }], store, settings);
    assert.deepEqual(sqsBatchResponse(outcomes).batchItemFailures, [{ itemIdentifier: "m1" }]);
    assert.equal(store.items.size, 0);
    const outcome = outcomes[0]!;
    assert.equal(outcome.result, "malformed");
    if (outcome.result === "malformed") assert.equal(outcome.error.message, "envelope for tenant 'other' reached tenant 'acme's worker");
  });
});
