// The whole stack from a validated config: what index.ts runs under Pulumi, and what the offline plan and the
// tests run under mocks.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AnalyticsFanout } from "./analyticsFanout";
import type { StackConfig } from "./config";
import { Dashboards, dashboardConsoleUrl, operationsDashboardName, runbookDashboardName, runbookLinks } from "./dashboard";
import { BodyStore } from "./bodyStore";
import { EventStore } from "./eventStore";
import { consumerLogGroupName, metricsNamespaceOf } from "./naming";
import { OnCall } from "./onCall";
import { TenantPipeline } from "./tenantPipeline";

export interface WebhooksStackOutputs {
  readonly ingestUrls: Record<string, pulumi.Output<string>>;
  readonly eventsTable: pulumi.Output<string>;
  readonly analyticsStream: pulumi.Output<string>;
  /** The bucket of bodies over the inline threshold (ops `event` reads them). */
  readonly bodiesBucket: pulumi.Output<string>;
  readonly alarmTopic: pulumi.Output<string>;
  /** What the operator must still do for alarm mail to arrive (confirm the email subscription). */
  readonly alarmDelivery: pulumi.Output<string>;
  readonly dashboard: pulumi.Output<string>;
  /** Where alarm descriptions send on-call. */
  readonly runbook: pulumi.Output<string>;
  /** Log groups by tenant (ingest, worker) and of the stream consumer: the names RUNBOOK.md's commands use. */
  readonly logGroups: pulumi.Output<{ tenants: Record<string, { ingest: string; worker: string }>; streamConsumer: string }>;
  /** Queue URLs by tenant (queue, DLQ, async failure destination) and the analytics failure queue. */
  readonly queues: pulumi.Output<{ tenants: Record<string, { queue: string; dlq: string; asyncFailures: string }>; analyticsFailures: string }>;
  /** Function names by tenant (ingest, worker) and of the stream consumer. */
  readonly functions: pulumi.Output<{ tenants: Record<string, { ingest: string; worker: string }>; streamConsumer: string }>;
  /** Region and account the stack lives in: `npm run ops` acts there and says so before it acts. */
  readonly region: pulumi.Output<string>;
  readonly account: pulumi.Output<string>;
}

/**
 * Declares the stack. Async: after each tenant's pipeline it yields one turn of the event loop, so registrations
 * answered by then complete before the next tenant is declared instead of every declared resource holding its
 * in-flight SDK machinery at once (~23 Outputs per resource, each with its promises, closures and debug strings:
 * ~180 KB a resource until its registration is answered). Mocks (`npm run plan`, the tests) answer at once, so there
 * each tenant is registered before the next is declared: a 200-tenant plan peaked at ~1,860 MiB RSS declared in one
 * go, ~700 MiB declared this way. An engine answers a registration only once it has done that resource's step, so
 * under `pulumi preview`/`up` the saving shrinks as its answers slow down (`npm run bench:plan -- --answer-delay-ms N`:
 * ~900 MiB at 20 ms, ~1,800 MiB at 1 s). The engine still receives every registration at once: one turn per tenant
 * delays nothing it could run in parallel. Pulumi awaits a program that exports an async function (index.ts).
 */
export async function createWebhooksStack(config: StackConfig): Promise<WebhooksStackOutputs> {
  const metricsNamespace = metricsNamespaceOf(config.stack);
  const secrets = pulumi.secret(config.secrets);
  const region = aws.getRegionOutput().region;
  const runbook = runbookLinks(config.stack, region, config.runbookUrl);

  const store = new EventStore("events", { pointInTimeRecovery: config.pointInTimeRecovery, deletionProtection: config.deletionProtection });

  const bodies = new BodyStore("bodies", { longestRetentionDays: Math.max(...config.tenants.map((t) => t.retentionDays)) });

  const analytics = new AnalyticsFanout("analytics", {
    tableArn: store.tableArn,
    tableStreamArn: store.streamArn,
    shards: config.analyticsShards,
    reservedConcurrency: config.streamConcurrency,
    logRetentionDays: config.logRetentionDays,
    logGroupName: consumerLogGroupName(config.stack),
    metricsNamespace,
  });

  const onCall = new OnCall("oncall", {
    alarmEmail: config.alarmEmail,
    metricsNamespace,
    runbook,
    tableName: store.tableName,
    analyticsStreamName: analytics.streamName,
    consumerFunctionName: analytics.consumer.functionName,
    analyticsFailureQueueName: analytics.failureQueue.name,
  });

  const tenants: TenantPipeline[] = [];
  for (const tenant of config.tenants) {
    tenants.push(
      new TenantPipeline(`tenant-${tenant.id}`, {
        tenant,
        secrets: config.secrets[tenant.id] ? secrets.apply((all) => all[tenant.id]!) : undefined,
        tableName: store.tableName,
        tableArn: store.tableArn,
        bodyBucketName: bodies.bucketName,
        bodyBucketArn: bodies.bucketArn,
        alarmTopicArn: onCall.topicArn,
        runbook,
        stack: config.stack,
        secretsMaxStaleSeconds: config.secretsMaxStaleSeconds,
        logRetentionDays: config.logRetentionDays,
        metricsNamespace,
        // The consumer reads what workers write: updated first (e.g. it gunzips bodies before any worker gzips).
        itemReaders: [analytics.consumer.function],
      }),
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const dashboards = new Dashboards("dashboards", {
    alarms: [...tenants.flatMap((pipeline) => pipeline.alarms), ...onCall.alarms],
    tenantIds: config.tenants.map((t) => t.id),
    metricsNamespace,
    region,
    runbookDashboard: config.runbookUrl === undefined,
  });

  return {
    ingestUrls: Object.fromEntries(tenants.map((pipeline, i) => [config.tenants[i]!.id, pipeline.url])),
    eventsTable: store.tableName,
    analyticsStream: analytics.streamName,
    bodiesBucket: bodies.bucketName,
    alarmTopic: onCall.topicArn,
    alarmDelivery: onCall.alarmDelivery,
    dashboard: pulumi.all([region, dashboards.operations.dashboardName]).apply(([r]) => dashboardConsoleUrl(r, operationsDashboardName(config.stack))),
    runbook: config.runbookUrl !== undefined ? pulumi.output(config.runbookUrl) : region.apply((r) => dashboardConsoleUrl(r, runbookDashboardName(config.stack))),
    logGroups: pulumi.output({
      tenants: Object.fromEntries(tenants.map((pipeline, i) => [config.tenants[i]!.id, { ingest: pipeline.ingest.logGroupName, worker: pipeline.worker.logGroupName }])),
      streamConsumer: analytics.consumer.logGroupName,
    }) as unknown as WebhooksStackOutputs["logGroups"],
    queues: pulumi.output({
      tenants: Object.fromEntries(
        tenants.map((pipeline, i) => [config.tenants[i]!.id, { queue: pipeline.queue.url, dlq: pipeline.deadLetterQueue.url, asyncFailures: pipeline.asyncFailureQueue.url }]),
      ),
      analyticsFailures: analytics.failureQueue.url,
    }) as unknown as WebhooksStackOutputs["queues"],
    functions: pulumi.output({
      tenants: Object.fromEntries(tenants.map((pipeline, i) => [config.tenants[i]!.id, { ingest: pipeline.ingest.functionName, worker: pipeline.worker.functionName }])),
      streamConsumer: analytics.consumer.functionName,
    }) as unknown as WebhooksStackOutputs["functions"],
    region,
    account: aws.getCallerIdentityOutput().accountId,
  };
}
