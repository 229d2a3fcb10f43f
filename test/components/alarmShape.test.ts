// Every alarm is one CloudWatch can evaluate (components/alarms.ts): a comparison operator CloudWatch knows, and
// either one metric with its statistic and period, or a metric math expression returning the only series, over
// metrics that each carry their period and statistic.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
import assert from "node:assert/strict";
import { loadStackFile } from "../../components/config";
import { runOffline } from "../../scripts/lib/offline";

const OPERATORS = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];

describe("alarm shape", () => {
  it("each alarm: a known comparison, and one metric or one returned math expression over period- and statistic-bearing metrics", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.ok(alarms.length > 0);
    let math = 0;
    for (const { name, inputs } of alarms) {
      assert.ok(OPERATORS.includes(inputs.comparisonOperator as string), `${name}: ${String(inputs.comparisonOperator)}`);
      assert.ok(typeof inputs.threshold === "number", `${name}: threshold`);
      const queries = inputs.metricQueries as { id: string; expression?: string; returnData: boolean; metric?: { namespace: string; metricName: string; period: number; stat: string } }[] | undefined;
      if (queries) {
        math += 1;
        assert.equal(inputs.metricName, undefined, `${name}: a math alarm names no single metric`);
        const returned = queries.filter((q) => q.returnData);
        assert.equal(returned.length, 1, `${name}: exactly one series is returned`);
        assert.ok(returned[0]!.expression && returned[0]!.id === "e0", name);
        const metrics = queries.filter((q) => !q.returnData);
        assert.ok(metrics.length >= 1, name);
        assert.deepEqual(metrics.map((q) => q.id), metrics.map((_, i) => `m${i}`), name);
        for (const q of metrics) assert.ok(q.metric!.namespace && q.metric!.metricName && q.metric!.period > 0 && q.metric!.stat, `${name}: ${q.id}`);
        for (const id of metrics.map((q) => q.id)) assert.ok(returned[0]!.expression!.includes(id), `${name}: the expression reads ${id}`);
      } else {
        assert.ok(inputs.namespace && inputs.metricName && inputs.statistic && (inputs.period as number) > 0, `${name}: metric, statistic, period`);
      }
    }
    assert.ok(math > 0, "the stack has math alarms (their shape is checked above)");
  });
});
