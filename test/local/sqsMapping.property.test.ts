import assert from "node:assert/strict";
import fc from "fast-check";
import { messagesToDelete } from "../../local/sqsMapping";
import { sqsRecord } from "../../local/events";

describe("SQS mapping emulation", () => {
  const arbBatch = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 10 }).map((ids) => ids.map((messageId) => sqsRecord({ messageId, body: "{}" })));

  it("a partial batch response deletes exactly the messages not reported as failed", () => {
    fc.assert(
      fc.property(arbBatch.chain((batch) => fc.tuple(fc.constant(batch), fc.subarray(batch))), ([batch, failed]) => {
        const deleted = messagesToDelete(batch, { ok: true, result: { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) } });
        assert.deepEqual(deleted.map((record) => record.messageId), batch.filter((record) => !failed.includes(record)).map((record) => record.messageId));
      }),
    );
  });

  it("any invalid itemIdentifier fails the whole batch: nothing is deleted", () => {
    fc.assert(
      fc.property(arbBatch, fc.constantFrom<unknown>("", null, undefined, 7, "not-in-batch"), (batch, itemIdentifier) => {
        assert.deepEqual(messagesToDelete(batch, { ok: true, result: { batchItemFailures: [{ itemIdentifier }] } }), []);
      }),
    );
  });

  it("a function error deletes nothing; an empty or missing response deletes everything", () => {
    fc.assert(
      fc.property(arbBatch, (batch) => {
        assert.deepEqual(messagesToDelete(batch, { ok: false }), []);
        assert.equal(messagesToDelete(batch, { ok: true, result: undefined }).length, batch.length);
        assert.equal(messagesToDelete(batch, { ok: true, result: { batchItemFailures: [] } }).length, batch.length);
      }),
    );
  });
});
