// The whole stack from a validated config: what index.ts runs under Pulumi, and what the offline plan and the
// tests run under mocks.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AnalyticsFanout } from "./analyticsFanout";
import type { StackConfig } from "./config";
import { EventStore } from "./eventStore";
import { OnCall } from "./onCall";
import { TenantPipeline } from "./tenantPipeline";

export interface WebhooksStackOutputs {
  readonly ingestUrls: Record<string, pulumi.Output<string>>;
  readonly eventsTable: pulumi.Output<string>;
  readonly analyticsStream: pulumi.Output<string>;
  readonly alarmTopic: pulumi.Output<string>;
  readonly dashboard: pulumi.Output<string>;
}

export function metricsNamespaceOf(stack: string): string {
  return `Webhooks/${stack}`;
}

export function createWebhooksStack(config: StackConfig): WebhooksStackOutputs {
  const metricsNamespace = metricsNamespaceOf(config.stack);
  const secrets = pulumi.secret(config.secrets);

  const store = new EventStore("events", { pointInTimeRecovery: config.pointInTimeRecovery, deletionProtection: config.deletionProtection });

  const analytics = new AnalyticsFanout("analytics", {
    tableArn: store.tableArn,
    tableStreamArn: store.streamArn,
    shards: config.analyticsShards,
    reservedConcurrency: config.streamConcurrency,
    logRetentionDays: config.logRetentionDays,
    metricsNamespace,
  });

  const onCall = new OnCall("oncall", {
    alarmEmail: config.alarmEmail,
    tenantIds: config.tenants.map((t) => t.id),
    metricsNamespace,
    tableName: store.tableName,
    analyticsStreamName: analytics.streamName,
    consumerFunctionName: analytics.consumer.functionName,
    analyticsFailureQueueName: analytics.failureQueue.name,
    region: aws.getRegionOutput().region,
  });

  const tenants = config.tenants.map(
    (tenant) =>
      new TenantPipeline(`tenant-${tenant.id}`, {
        tenant,
        secrets: config.secrets[tenant.id] ? secrets.apply((all) => all[tenant.id]!) : undefined,
        tableName: store.tableName,
        tableArn: store.tableArn,
        alarmTopicArn: onCall.topicArn,
        logRetentionDays: config.logRetentionDays,
        metricsNamespace,
      }),
  );

  return {
    ingestUrls: Object.fromEntries(tenants.map((pipeline, i) => [config.tenants[i]!.id, pipeline.url])),
    eventsTable: store.tableName,
    analyticsStream: analytics.streamName,
    alarmTopic: onCall.topicArn,
    dashboard: onCall.dashboard.dashboardName,
  };
}
