// The dashboards as resources (components/dashboard.ts): pages of the operations dashboard named
// webhooks-<stack>, webhooks-<stack>-2, ... each holding its own share of the widgets, never an empty page; the
// runbook dashboard's sections stacked top to bottom; RUNBOOK.md split at #, ## and ### headings.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Dashboards, pageWidgets, runbookSections } from "../../components/dashboard";

const widget = (title: string) => ({ title, metrics: [] });

describe("operations dashboard paging", () => {
  it("a page fills up to exactly its maximum before the next one starts", () => {
    const [a, b, c] = [widget("a"), widget("b"), widget("c")];
    assert.deepEqual(pageWidgets([[a], [b]], 2), [[a, b]]);
    assert.deepEqual(pageWidgets([[a], [b], [c]], 2), [[a, b], [c]]);
  });

  it("no page is empty: a group larger than a page gets one of its own, empty groups add nothing", () => {
    const [a, b, c, d] = [widget("a"), widget("b"), widget("c"), widget("d")];
    assert.deepEqual(pageWidgets([[a, b, c], [], [d]], 2), [[a, b, c], [d]]);
    assert.deepEqual(pageWidgets([[a], [b, c, d], []], 2), [[a], [b, c, d]]);
  });
});

describe("runbook sections", () => {
  it("headings lose surrounding spaces; '#' inside a line starts no section", () => {
    const sections = runbookSections("see ## below\n## Queue age high  \nsteps ### not a heading\n");
    assert.deepEqual(sections.map((s) => [s.anchor, s.heading]), [["queue-age-high", "Queue age high"]]);
    assert.equal(sections[0]!.markdown, "## Queue age high  \nsteps ### not a heading");
  });
});

describe("dashboards as resources", () => {
  interface Captured { type: string; name: string; inputs: Record<string, unknown> }
  const captured: Captured[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          captured.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "webhooks",
      "paged",
      false,
    );
  });

  const value = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));

  it("over one page of widgets: webhooks-<stack>, then webhooks-<stack>-2, each under the component, together holding every widget once", async () => {
    // One "All tenants" widget and one flow widget per tenant: 460 tenants make 461 widgets, over a page of 450.
    const tenantIds = Array.from({ length: 460 }, (_, i) => `t${i}`);
    const dashboards = new Dashboards("dash", { alarms: [], tenantIds, metricsNamespace: "Webhooks/paged", region: "eu-west-1", runbookDashboard: false });
    assert.equal(dashboards.operationsPages.length, 2);
    assert.equal(dashboards.runbook, undefined);
    assert.deepEqual(await Promise.all(dashboards.operationsPages.map((d) => value(d.dashboardName))), ["webhooks-paged", "webhooks-paged-2"]);
    const urns = await Promise.all(dashboards.operationsPages.map((d) => value(d.urn)));
    assert.deepEqual(urns, ["dash-operations", "dash-operations-2"].map((n) => `urn:pulumi:paged::webhooks::webhooks:oncall:Dashboards$aws:cloudwatch/dashboard:Dashboard::${n}`));
    const bodies = await Promise.all(dashboards.operationsPages.map(async (d) => JSON.parse(await value(d.dashboardBody)) as { widgets: { properties: { title: string } }[] }));
    const titles = bodies.map((b) => b.widgets.map((w) => w.properties.title));
    assert.deepEqual(titles[0]!.slice(0, 2), ["All tenants", "t0: flow"]);
    assert.equal(titles[0]!.length, 450);
    assert.deepEqual(titles[1], Array.from({ length: 11 }, (_, i) => `t${449 + i}: flow`));
  });

  it("the runbook dashboard stacks RUNBOOK.md's sections as full-width text widgets, each as tall as its text (at most 20)", async () => {
    const dashboards = new Dashboards("rb", { alarms: [], tenantIds: ["acme"], metricsNamespace: "Webhooks/paged", region: "eu-west-1", runbookDashboard: true });
    assert.ok(dashboards.runbook);
    assert.equal(await value(dashboards.runbook.dashboardName), "webhooks-paged-runbook");
    assert.match(await value(dashboards.runbook.urn), /webhooks:oncall:Dashboards\$aws:cloudwatch\/dashboard:Dashboard::rb-runbook$/);
    const widgets = (JSON.parse(await value(dashboards.runbook.dashboardBody)) as { widgets: { type: string; x: number; y: number; width: number; height: number; properties: { markdown: string } }[] }).widgets;
    assert.ok(widgets.length > 3);
    let y = 0;
    for (const w of widgets) {
      const lines = w.properties.markdown.split("\n").length;
      assert.deepEqual([w.type, w.x, w.y, w.width, w.height], ["text", 0, y, 24, Math.min(20, 2 + lines)], w.properties.markdown.split("\n")[0]);
      y += w.height;
    }
    assert.ok(widgets.some((w) => w.height === 20) && widgets.some((w) => w.height < 20), "both a capped and an uncapped section");
  });
});
