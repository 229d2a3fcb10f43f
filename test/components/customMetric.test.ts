// Alarms on the handlers' own metrics name a dimension set the handlers publish (components/alarms.ts): an alarm
// on a set nobody publishes would never see a datapoint, so the program refuses it.
import assert from "node:assert/strict";
import { customMetric } from "../../components/alarms";

describe("alarms on the handlers' metrics", () => {
  it("a published dimension set is accepted, in any order; another is refused at program time, naming both", () => {
    assert.deepEqual(customMetric("Webhooks/prod", "Accepted", { Tenant: "acme" }), { namespace: "Webhooks/prod", metricName: "Accepted", dimensions: { Tenant: "acme" } });
    assert.throws(() => customMetric("Webhooks/prod", "Accepted", { Tenant: "acme", Colour: "red" }), /^Error: Accepted is not published with dimensions \[Colour,Tenant\] \(handlers\/metrics\.ts lists \[Tenant\]/);
    assert.throws(() => customMetric("Webhooks/prod", "Accepted", {}), /not published with dimensions \[\]/);
  });

  it("the refusal lists every published set in brackets, separated by spaces", () => {
    assert.deepEqual(customMetric("Webhooks/prod", "MalformedStreamRecords", {}).dimensions, {}, "the stack-wide total is a published set");
    assert.throws(() => customMetric("Webhooks/prod", "MalformedStreamRecords", { Shard: "1", Tenant: "acme" }), {
      message: "MalformedStreamRecords is not published with dimensions [Shard,Tenant] (handlers/metrics.ts lists [] [Tenant])",
    });
  });
});
