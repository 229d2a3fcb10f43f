// The stack's dashboards, made last from every alarm: the operations dashboard charts each alarm's metric (one
// widget per panel the alarms name, so the chart on-call opens is the one that fired) plus each tenant's flow
// (accepted, rejected, stored, published), in pages of at most 450 widgets; and, when no `webhooks:runbookUrl` is configured, a runbook dashboard
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

/**
 * CloudWatch allows 500 widgets on a dashboard; the operations dashboard is split into pages of at most this many
 * (a tenant's widgets stay on one page). https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 */
export const MAX_WIDGETS_PER_DASHBOARD = 450;

interface Widget {
  readonly title: string;
  readonly metrics: unknown[];
}

/** The operations dashboard's widgets, in reading order: totals, shared panels, then each tenant's widgets together. */
export function operationsWidgets(p: { namespace: string; tenants: readonly string[]; alarms: readonly ResolvedAlarm[] }): Widget[][] {
  // Totals across tenants as metric math over SEARCH: no extra metric series to pay for.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html
  const total = (metric: string, id: string) => ({ expression: `SUM(SEARCH('{${p.namespace},Tenant} MetricName="${metric}"', 'Sum', 60))`, label: `${metric} (all tenants)`, id });
  const panels = new Map<string, MetricRow[]>();
  for (const alarm of p.alarms) {
    const rows = panels.get(alarm.panel) ?? [];
    for (const metric of alarm.metrics) rows.push(metricRow(metric, { stat: alarm.statistic, label: `${metric.metricName} (${alarm.name})` }));
    panels.set(alarm.panel, rows);
  }
  const tenantPanel = (panel: string) => p.tenants.some((tenant) => panel.startsWith(`${tenant}: `));
  const groups: Widget[][] = [[{ title: "All tenants", metrics: [[total("Accepted", "a")], [total("Rejected", "r")], [total("Stored", "s")], [total("Published", "p")]] }]];
  groups.push([...panels].filter(([panel]) => !tenantPanel(panel)).map(([title, metrics]) => ({ title, metrics })));
  for (const tenant of p.tenants) {
    const flow = ["Accepted", "Rejected", "Stored", "Published", "IngestMisconfigured", "MalformedStreamRecords"];
    groups.push([
      { title: `${tenant}: flow`, metrics: flow.map((metric) => metricRow({ namespace: p.namespace, metricName: metric, dimensions: { Tenant: tenant } }, { label: metric })) },
      ...[...panels].filter(([panel]) => panel.startsWith(`${tenant}: `)).map(([title, metrics]) => ({ title, metrics })),
    ]);
  }
  return groups;
}

/** Groups of widgets packed into pages of at most `max` widgets, a group never split (nor a page left empty). */
export function pageWidgets(groups: readonly (readonly Widget[])[], max = MAX_WIDGETS_PER_DASHBOARD): Widget[][] {
  const pages: Widget[][] = [[]];
  for (const group of groups) {
    if (group.length === 0) continue;
    if (pages.at(-1)!.length > 0 && pages.at(-1)!.length + group.length > max) pages.push([]);
    pages.at(-1)!.push(...group);
  }
  return pages;
}

/** A page's dashboard body: two widgets a row. */
export function dashboardBodyOf(region: string, widgets: readonly Widget[]) {
  return {
    widgets: widgets.map((widget, index) => ({
      type: "metric",
      x: (index % 2) * 12,
      y: Math.floor(index / 2) * 6,
      width: 12,
      height: 6,
      properties: { title: widget.title, region, period: 60, stat: "Sum", metrics: widget.metrics },
    })),
  };
}

/** Page names: `webhooks-<stack>`, then `webhooks-<stack>-2`, ... */
export const operationsPageName = (stack: string, page: number) => (page === 0 ? operationsDashboardName(stack) : `${operationsDashboardName(stack)}-${page + 1}`);

export class Dashboards extends pulumi.ComponentResource {
  /** The first page of the operations dashboard (what the `dashboard` output links). */
  public readonly operations: aws.cloudwatch.Dashboard;
  public readonly operationsPages: aws.cloudwatch.Dashboard[];
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
    // The page count is known before any value resolves (it depends on names only), so each page is a resource.
    const pageCount = pageWidgets(operationsWidgets({ namespace: args.metricsNamespace, tenants: args.tenantIds, alarms: alarmMetrics as unknown as ResolvedAlarm[] })).length;
    this.operationsPages = Array.from({ length: pageCount }, (_, page) =>
      new aws.cloudwatch.Dashboard(
        page === 0 ? `${name}-operations` : `${name}-operations-${page + 1}`,
        {
          dashboardName: operationsPageName(stack, page),
          dashboardBody: pulumi.all([args.region, pulumi.output(alarmMetrics)]).apply(([region, alarms]) => {
            const pages = pageWidgets(operationsWidgets({ namespace: args.metricsNamespace, tenants: args.tenantIds, alarms: alarms as unknown as ResolvedAlarm[] }));
            return JSON.stringify(dashboardBodyOf(region, pages[page]!));
          }),
        },
        { parent: this },
      ),
    );
    this.operations = this.operationsPages[0]!;
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
