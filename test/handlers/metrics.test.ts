import assert from "node:assert/strict";
import { PUBLISHED_METRICS } from "../../handlers/metrics";
import { emfLine } from "../../handlers/observability";

type Emf = { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } } & Record<string, unknown>;

describe("EMF lines", () => {
  it("declare only catalogued metrics, each under exactly its catalogued dimension sets; other counts stay properties", () => {
    const line = JSON.parse(emfLine({ namespace: "Webhooks/t", dimensions: { Tenant: "acme", Reason: "bad_signature" }, values: { Received: 1, Rejected: 1, SignatureFailures: 1 }, timestampMs: 5 })) as Emf;
    const declared = line._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => [m.Name, d.Dimensions, d.Namespace]));
    assert.deepEqual(declared.sort(), [
      ["Rejected", [["Tenant"]], "Webhooks/t"],
      ["SignatureFailures", [["Tenant"]], "Webhooks/t"],
    ]);
    assert.equal(line.Received, 1, "a reported count is a property of the line");
    assert.equal(line.Reason, "bad_signature", "the reason is a property, not a billed dimension");
    assert.equal(line.Tenant, "acme");
    assert.equal(line._aws.Timestamp, 5);
  });

  it("a dimension set the line cannot fill is left out (a stream record with no tenant counts only in the total)", () => {
    const known = JSON.parse(emfLine({ namespace: "N", dimensions: { Tenant: "acme" }, values: { MalformedStreamRecords: 2 }, timestampMs: 0 })) as Emf;
    assert.deepEqual(known._aws.CloudWatchMetrics[0]!.Dimensions, PUBLISHED_METRICS.MalformedStreamRecords.map((set) => [...set]));
    const unknown = JSON.parse(emfLine({ namespace: "N", dimensions: {}, values: { MalformedStreamRecords: 1 }, timestampMs: 0 })) as Emf;
    assert.deepEqual(unknown._aws.CloudWatchMetrics[0]!.Dimensions, [[]]);
  });

  it("zero values are declared too (an alarm needs the datapoint to see '0 errors')", () => {
    const line = JSON.parse(emfLine({ namespace: "N", dimensions: { Tenant: "a" }, values: { EnqueueFailures: 0 }, timestampMs: 0 })) as Emf;
    assert.deepEqual(line._aws.CloudWatchMetrics[0]!.Metrics, [{ Name: "EnqueueFailures", Unit: "Count" }]);
    assert.equal(line.EnqueueFailures, 0);
  });
});
