import assert from "node:assert/strict";
import { MAX_WIDGETS_PER_DASHBOARD, dashboardBodyOf, operationsWidgets, pageWidgets } from "../../components/dashboard";

/** Alarms as a stack of `tenants` tenants has them: two panels per tenant, and two shared panels. */
function alarmsOf(tenants: string[]) {
  const metric = (name: string) => ({ namespace: "AWS/Lambda", metricName: name, dimensions: { FunctionName: "f" } });
  return [
    ...tenants.flatMap((t) => [
      { name: `${t}-a`, panel: `${t}: ingest`, statistic: "Sum", metrics: [metric("Errors")] },
      { name: `${t}-b`, panel: `${t}: worker`, statistic: "Sum", metrics: [metric("Throttles")] },
    ]),
    { name: "s1", panel: "analytics consumer", statistic: "Sum", metrics: [metric("Errors")] },
    { name: "s2", panel: "events table", statistic: "Sum", metrics: [metric("Errors")] },
  ];
}

describe("operations dashboard pages", () => {
  for (const count of [1, 7, 165, 200, 600]) {
    it(`${count} tenants: every page holds at most CloudWatch's 500 widgets, each tenant's widgets on one page, none lost`, () => {
      const tenants = Array.from({ length: count }, (_, i) => `t${i}`);
      const groups = operationsWidgets({ namespace: "Webhooks/x", tenants, alarms: alarmsOf(tenants) });
      const pages = pageWidgets(groups);
      // The quota is 500 widgets per dashboard: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
      assert.ok(pages.every((page) => page.length <= 500 && page.length <= MAX_WIDGETS_PER_DASHBOARD));
      assert.equal(pages.flat().length, 1 + 2 + 3 * count, "totals, shared panels, and flow + ingest + worker per tenant");
      for (const tenant of tenants) {
        const holding = pages.filter((page) => page.some((w) => w.title.startsWith(`${tenant}: `)));
        assert.equal(holding.length, 1, `${tenant} on one page`);
      }
      const body = dashboardBodyOf("eu-west-1", pages.at(-1)!);
      assert.deepEqual(body.widgets.slice(0, 2).map((w) => [w.x, w.y]), [[0, 0], [12, 0]], "each page lays out from the top");
    });
  }
});
