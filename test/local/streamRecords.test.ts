// The DynamoDB stream mapping's pure parts (local/streamMapping.ts), without DynamoDB Local: a stream API record
// as Lambda delivers it, and the event filter patterns the emulator accepts and applies.
import assert from "node:assert/strict";
import type { _Record } from "@aws-sdk/client-dynamodb-streams";
import { assertSupportedFilter, defaultStreamRetryDelayMs, matchesFilter, toStreamEventRecord } from "../../local/streamMapping";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/2026-01-01T00:00:00.000";

describe("DynamoDB stream records as Lambda delivers them", () => {
  it("every field of a stream record lands where a Lambda DynamoDB event has it (seconds, base64 binary, region, ARN)", () => {
    const record: _Record = {
      eventID: "e-1",
      eventName: "INSERT",
      eventVersion: "1.1",
      dynamodb: {
        ApproximateCreationDateTime: new Date(1_760_000_123_900),
        Keys: { pk: { S: "acme#1" } },
        NewImage: { pk: { S: "acme#1" }, body: { B: Buffer.from([0, 255]) }, n: { N: "5" } },
        OldImage: { pk: { S: "acme#0" } },
        SequenceNumber: "100",
        SizeBytes: 42,
        StreamViewType: "NEW_IMAGE",
      },
    };
    assert.deepEqual(toStreamEventRecord(record, ARN), {
      eventID: "e-1",
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      dynamodb: {
        ApproximateCreationDateTime: 1_760_000_123,
        Keys: { pk: { S: "acme#1" } },
        NewImage: { pk: { S: "acme#1" }, body: { B: "AP8=" }, n: { N: "5" } },
        OldImage: { pk: { S: "acme#0" } },
        SequenceNumber: "100",
        SizeBytes: 42,
        StreamViewType: "NEW_IMAGE",
      },
      eventSourceARN: ARN,
    });
  });

  it("a record without a version or images gets version 1.1 and no images", () => {
    const converted = toStreamEventRecord({ eventID: "e-2", eventName: "REMOVE", dynamodb: { SequenceNumber: "7" } }, ARN);
    assert.equal(converted.eventVersion, "1.1");
    assert.deepEqual([converted.dynamodb!.NewImage, converted.dynamodb!.OldImage, converted.dynamodb!.ApproximateCreationDateTime], [undefined, undefined, undefined]);
    assert.equal(toStreamEventRecord({ eventID: "e-3" }, ARN).dynamodb!.SequenceNumber, undefined);
  });
});

describe("event filter patterns", () => {
  it("exact values match, nested objects match field by field, anything else does not", () => {
    const pattern = { eventName: ["INSERT"], dynamodb: { NewImage: { scheme: { S: ["github", "stripe"] } } } };
    assert.equal(matchesFilter({ eventName: "INSERT", dynamodb: { NewImage: { scheme: { S: "github" } } } }, pattern), true);
    assert.equal(matchesFilter({ eventName: "MODIFY", dynamodb: { NewImage: { scheme: { S: "github" } } } }, pattern), false);
    assert.equal(matchesFilter({ eventName: "INSERT", dynamodb: { NewImage: { scheme: { S: "slack" } } } }, pattern), false);
    assert.equal(matchesFilter({ eventName: "INSERT" }, pattern), false);
    assert.equal(matchesFilter(null, { a: [null] }), false, "a missing field is undefined, not null");
    assert.equal(matchesFilter({ a: null }, { a: [null] }), true);
  });

  it("only exact-value patterns are accepted; others are refused up front, naming the path", () => {
    assert.doesNotThrow(() => assertSupportedFilter({ eventName: ["INSERT"], a: { b: ["x", 1, true, null] } }));
    assert.throws(() => assertSupportedFilter({ a: { b: [{ prefix: "x" }] } } as never), /^Error: filter a\.b: only exact-value matching is emulated locally$/);
    assert.throws(() => assertSupportedFilter({ a: "INSERT" } as never), /^Error: filter a: a pattern value must be an array or an object$/);
    assert.throws(() => assertSupportedFilter({ a: null } as never), /a pattern value must be an array or an object/);
  });

  it("retries back off 200 ms, doubling, up to 5 s", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map(defaultStreamRetryDelayMs), [200, 400, 800, 1600, 3200, 5000, 5000]);
  });
});
