// What the operations dashboard shows (components/dashboard.ts): totals across tenants by SEARCH (no extra
// series), each alarm's metrics on its panel with the alarm's statistic, each tenant's flow, and widgets laid out
// two a row; runbook anchors are GitHub's slugs, so alarm links land on their section.
import assert from "node:assert/strict";
import { dashboardBodyOf, dashboardConsoleUrl, operationsDashboardName, operationsPageName, operationsWidgets, runbookDashboardName, slug } from "../../components/dashboard";

describe("operations dashboard content", () => {
  const alarms = [
    { name: "acme-ingest-down", panel: "acme: ingest", statistic: "Sum", metrics: [{ namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "f1" } }] },
    { name: "consumer-errors", panel: "analytics consumer", statistic: "Maximum", metrics: [{ namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "c" } }] },
  ];

  it("totals, shared panels, then each tenant's flow and panels, with each alarm's statistic and label", () => {
    const groups = operationsWidgets({ namespace: "Webhooks/prod", tenants: ["acme"], alarms });
    assert.deepEqual(groups[0], [{
      title: "All tenants",
      metrics: ["Accepted", "Rejected", "Stored", "Published"].map((m, i) => [{ expression: `SUM(SEARCH('{Webhooks/prod,Tenant} MetricName="${m}"', 'Sum', 60))`, label: `${m} (all tenants)`, id: "arsp"[i] }]),
    }]);
    assert.deepEqual(groups[1], [{ title: "analytics consumer", metrics: [["AWS/Lambda", "Errors", "FunctionName", "c", { stat: "Maximum", label: "Errors (consumer-errors)" }]] }]);
    assert.deepEqual(groups[2]![0], {
      title: "acme: flow",
      metrics: ["Accepted", "Rejected", "Stored", "Published", "IngestMisconfigured", "MalformedStreamRecords"].map((m) => ["Webhooks/prod", m, "Tenant", "acme", { label: m }]),
    });
    assert.deepEqual(groups[2]![1], { title: "acme: ingest", metrics: [["AWS/Lambda", "Errors", "FunctionName", "f1", { stat: "Sum", label: "Errors (acme-ingest-down)" }]] });
    assert.equal(groups.length, 3);
  });

  it("widgets two a row, 12 x 6 each, per-minute sums in the page's region", () => {
    const body = dashboardBodyOf("eu-west-1", [{ title: "a", metrics: [] }, { title: "b", metrics: [] }, { title: "c", metrics: [["x"]] }]);
    assert.deepEqual(body.widgets.map((w) => [w.x, w.y, w.width, w.height, w.type]), [[0, 0, 12, 6, "metric"], [12, 0, 12, 6, "metric"], [0, 6, 12, 6, "metric"]]);
    assert.deepEqual(body.widgets[2]!.properties, { title: "c", region: "eu-west-1", period: 60, stat: "Sum", metrics: [["x"]] });
  });

  it("names and links: webhooks-<stack>[-n], the runbook dashboard, console URLs; GitHub slugs for anchors", () => {
    assert.deepEqual([operationsPageName("prod", 0), operationsPageName("prod", 1), operationsDashboardName("dev"), runbookDashboardName("dev")], ["webhooks-prod", "webhooks-prod-2", "webhooks-dev", "webhooks-dev-runbook"]);
    assert.equal(dashboardConsoleUrl("eu-west-1", "webhooks-prod"), "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/webhooks-prod");
    assert.equal(slug("DLQ not empty (tenant's queue)!"), "dlq-not-empty-tenants-queue");
    assert.equal(slug("Queue-age high"), "queue-age-high");
  });
});
