// The stack's dashboards, made last from every alarm: the operations dashboard charts each alarm's metric (one
// widget per panel the alarms name, so the chart on-call opens is the one that fired) plus each tenant's flow
// (accepted, rejected, stored, published); and, when no `webhooks:runbookUrl` is configured, a runbook dashboard
// holding RUNBOOK.md as deployed, which the alarm descriptions then link to.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedAlarm, MetricRef, RunbookLinks } from "./alarms";

export interface DashboardsArgs {
  /** Every alarm of the stack, in the order they should appear. */
  readonly alarms: readonly CreatedAlarm[];
  readonly tenantIds: readonly string[];
  /** CloudWatch namespace of the handlers' EMF metrics. */
  readonly metricsNamespace: string;
  readonly region: pulumi.Input<string>;
  /** Whether to deploy RUNBOOK.md as a dashboard (when alarm descriptions link there). */
  readonly runbookDashboard: boolean;
}

export const operationsDashboardName = (stack: string) => `webhooks-${stack}`;
export const runbookDashboardName = (stack: string) => `webhooks-${stack}-runbook`;

/** A console URL works from an alarm email once the reader is signed in to the account. */
export function dashboardConsoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}

/**
 * Alarm descriptions link `<runbookUrl>#<section>` when the stack names where its RUNBOOK.md is published (a
 * repository or wiki; anchors then open the section), else the runbook dashboard deployed with the stack, which
 * holds the runbook of exactly the code deployed; the description names the section either way.
 */
export function runbookLinks(stack: string, region: pulumi.Input<string>, runbookUrl: string | undefined): RunbookLinks {
  if (runbookUrl !== undefined) return { link: (anchor) => `${runbookUrl}#${anchor}` };
  return { link: () => pulumi.output(region).apply((r) => dashboardConsoleUrl(r, runbookDashboardName(stack))) };
}

/** RUNBOOK.md's `##`/`###` sections: anchor (GitHub's slug of the heading) and markdown. */
export function runbookSections(markdown: string): { anchor: string; heading: string; markdown: string }[] {
  const sections: { anchor: string; heading: string; markdown: string }[] = [];
  for (const part of markdown.split(/^(?=#{1,3} )/m)) {
    const heading = /^#{1,3} (.+)$/m.exec(part)?.[1]?.trim();
    if (!heading) continue;
    sections.push({ anchor: slug(heading), heading, markdown: part.trim() });
  }
  return sections;
}

export function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
}

type MetricRow = (string | Record<string, unknown>)[];

function metricRow(metric: { namespace: string; metricName: string; dimensions: Record<string, string> }, options: Record<string, unknown>): MetricRow {
  return [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat(), options];
}

interface ResolvedAlarm {
  readonly name: string;
  readonly panel: string;
  readonly statistic: string;
  readonly metrics: { namespace: string; metricName: string; dimensions: Record<string, string> }[];
}

/** The operations dashboard's body: pure, so tests can read it. */
export function operationsDashboardBody(p: { region: string; namespace: string; tenants: readonly string[]; alarms: readonly ResolvedAlarm[] }) {
  const widgets: unknown[] = [];
  const place = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => {
    const index = widgets.length;
    widgets.push({ type: "metric", x: (index % 2) * 12, y: Math.floor(index / 2) * 6, width: 12, height: 6, properties: { title, region: p.region, period: 60, stat: "Sum", metrics, ...extra } });
  };
  // Totals across tenants as metric math over SEARCH: no extra metric series to pay for.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html
  const total = (metric: string, id: string) => ({ expression: `SUM(SEARCH('{${p.namespace},Tenant} MetricName="${metric}"', 'Sum', 60))`, label: `${metric} (all tenants)`, id });
  place("All tenants", [[total("Accepted", "a")], [total("Rejected", "r")], [total("Stored", "s")], [total("Published", "p")]]);
  for (const tenant of p.tenants) {
    const flow = ["Accepted", "Rejected", "Stored", "Published", "IngestMisconfigured", "MalformedStreamRecords"];
    place(`${tenant}: flow`, flow.map((metric) => metricRow({ namespace: p.namespace, metricName: metric, dimensions: { Tenant: tenant } }, { label: metric })));
  }
  const panels = new Map<string, MetricRow[]>();
  for (const alarm of p.alarms) {
    const rows = panels.get(alarm.panel) ?? [];
    for (const metric of alarm.metrics) rows.push(metricRow(metric, { stat: alarm.statistic, label: `${metric.metricName} (${alarm.name})` }));
    panels.set(alarm.panel, rows);
  }
  for (const [panel, rows] of panels) place(panel, rows);
  return { widgets };
}

export class Dashboards extends pulumi.ComponentResource {
  public readonly operations: aws.cloudwatch.Dashboard;
  public readonly runbook?: aws.cloudwatch.Dashboard;

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:oncall:Dashboards", name, {}, opts);
    const stack = pulumi.getStack();
    const alarmMetrics = args.alarms.map((created) => ({
      name: created.name,
      panel: created.spec.panel,
      statistic: created.spec.statistic,
      metrics: [created.spec.metric, ...(created.spec.math?.extraMetrics ?? [])] as MetricRef[],
    }));
    this.operations = new aws.cloudwatch.Dashboard(
      `${name}-operations`,
      {
        dashboardName: operationsDashboardName(stack),
        dashboardBody: pulumi
          .all([args.region, pulumi.output(alarmMetrics)])
          .apply(([region, alarms]) =>
            JSON.stringify(operationsDashboardBody({ region, namespace: args.metricsNamespace, tenants: args.tenantIds, alarms: alarms as unknown as ResolvedAlarm[] })),
          ),
      },
      { parent: this },
    );
    if (args.runbookDashboard) {
      const sections = runbookSections(readFileSync(path.resolve(__dirname, "..", "RUNBOOK.md"), "utf8"));
      let y = 0;
      const widgets = sections.map((section) => {
        const height = Math.min(20, 2 + section.markdown.split("\n").length);
        const widget = { type: "text", x: 0, y, width: 24, height, properties: { markdown: section.markdown } };
        y += height;
        return widget;
      });
      this.runbook = new aws.cloudwatch.Dashboard(`${name}-runbook`, { dashboardName: runbookDashboardName(stack), dashboardBody: JSON.stringify({ widgets }) }, { parent: this });
    }
    this.registerOutputs({ operations: this.operations.dashboardName, runbook: this.runbook?.dashboardName });
  }
}
