// On-call: the alarm topic (with an optional email subscription), the shared parts' alarms and one dashboard
// per stack. Tenants' alarms are made by each TenantPipeline and point at the same topic.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ageAlarm, countAlarm, createAlarm, lambdaMetric, queueNotEmpty } from "./alarms";

export interface OnCallArgs {
  /** Where alarms are mailed; none subscribes nobody. */
  readonly alarmEmail?: pulumi.Input<string>;
  /** Tenant ids, for the dashboard's per-tenant widgets. */
  readonly tenantIds: readonly string[];
  /** CloudWatch namespace of the handlers' EMF metrics. */
  readonly metricsNamespace: string;
  readonly tableName: pulumi.Input<string>;
  readonly analyticsStreamName: pulumi.Input<string>;
  readonly consumerFunctionName: pulumi.Input<string>;
  readonly analyticsFailureQueueName: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
}

export class OnCall extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  public readonly topicArn: pulumi.Output<string>;
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: OnCallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:oncall:OnCall", name, {}, opts);

    this.topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: "alias/aws/sns" }, { parent: this });
    this.topicArn = this.topic.arn;
    if (args.alarmEmail !== undefined) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: "email", endpoint: args.alarmEmail }, { parent: this });
    }

    const topic = this.topic.arn;
    this.alarms = [
      createAlarm(
        `${name}-consumer-iterator-age`,
        ageAlarm(
          "The analytics consumer is falling behind the events table's stream (oldest record over 5 minutes).",
          "consumer-iterator-age",
          { namespace: "AWS/Lambda", metricName: "IteratorAge", dimensions: { FunctionName: args.consumerFunctionName } },
          300_000,
        ),
        topic,
        this,
      ),
      createAlarm(`${name}-consumer-errors`, lambdaMetric("The analytics consumer is failing invocations (stream batches are being retried or bisected).", "consumer-errors", "Errors", args.consumerFunctionName), topic, this),
      createAlarm(
        `${name}-kinesis-write-throttling`,
        countAlarm(
          "The analytics Kinesis stream is refusing writes for lack of shard capacity.",
          "kinesis-write-throttling",
          { namespace: "AWS/Kinesis", metricName: "WriteProvisionedThroughputExceeded", dimensions: { StreamName: args.analyticsStreamName } },
          { periodSeconds: 300, datapointsToAlarm: 2, evaluationPeriods: 3 },
        ),
        topic,
        this,
      ),
      createAlarm(
        `${name}-dynamodb-throttling`,
        countAlarm("The events table is throttling writes; workers are retrying and queues may back up.", "dynamodb-throttling", {
          namespace: "AWS/DynamoDB",
          metricName: "WriteThrottleEvents",
          dimensions: { TableName: args.tableName },
        }),
        topic,
        this,
      ),
      createAlarm(
        `${name}-analytics-failures`,
        queueNotEmpty("Stream records exhausted their retries and were sent to the analytics failure queue: they are in the table but not in Kinesis.", "analytics-failures-not-empty", args.analyticsFailureQueueName),
        topic,
        this,
      ),
    ];

    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `webhooks-${pulumi.getStack()}`,
        dashboardBody: pulumi.all([args.region, args.tableName, args.analyticsStreamName, args.consumerFunctionName]).apply(([region, table, stream, consumer]) =>
          JSON.stringify(dashboardBody({ region, table, stream, consumer, namespace: args.metricsNamespace, tenants: args.tenantIds })),
        ),
      },
      { parent: this },
    );
    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboard.dashboardName });
  }
}

function dashboardBody(p: { region: string; table: string; stream: string; consumer: string; namespace: string; tenants: readonly string[] }) {
  const perTenant = (metric: string) => p.tenants.map((tenant) => [p.namespace, metric, "Tenant", tenant]);
  const widget = (title: string, metrics: unknown[][], x: number, y: number, stat = "Sum") => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: p.region, stat, period: 60, metrics },
  });
  return {
    widgets: [
      widget("Accepted per tenant", perTenant("Accepted"), 0, 0),
      widget("Rejected per tenant", perTenant("Rejected"), 12, 0),
      widget("Stored per tenant", perTenant("Stored"), 0, 6),
      widget("Published per tenant", perTenant("Published"), 12, 6),
      widget("Enqueue failures per tenant", perTenant("EnqueueFailures"), 0, 12),
      widget("Consumer iterator age (ms)", [["AWS/Lambda", "IteratorAge", "FunctionName", p.consumer]], 12, 12, "Maximum"),
      widget("Table write throttles", [["AWS/DynamoDB", "WriteThrottleEvents", "TableName", p.table]], 0, 18),
      widget("Kinesis write throttling", [["AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", p.stream]], 12, 18),
    ],
  };
}
