// On-call: the alarm topic (encrypted with a key CloudWatch may use), its optional email subscription, and the
// alarms of the shared parts (table, analytics stream and its consumer). Tenants' alarms are made by each
// TenantPipeline and point at the same topic; the dashboards are made last, from every alarm (dashboard.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ageAlarm, awsMetric, countAlarm, createAlarm, customMetric, lambdaCount, queueNotEmpty, type CreatedAlarm, type RunbookLinks } from "./alarms";

export interface OnCallArgs {
  /** Where alarms are mailed; none subscribes nobody. */
  readonly alarmEmail?: pulumi.Input<string>;
  /** CloudWatch namespace of the handlers' EMF metrics. */
  readonly metricsNamespace: string;
  /** Links from alarm descriptions to runbook sections. */
  readonly runbook: RunbookLinks;
  readonly tableName: pulumi.Input<string>;
  readonly analyticsStreamName: pulumi.Input<string>;
  readonly consumerFunctionName: pulumi.Input<string>;
  readonly analyticsFailureQueueName: pulumi.Input<string>;
}

/**
 * The key policy of the alarm topic's key. CloudWatch publishes alarm notifications as the service principal
 * `cloudwatch.amazonaws.com`, which needs kms:GenerateDataKey* and kms:Decrypt on the topic's key; the AWS-managed
 * `alias/aws/sns` key's policy cannot be changed to allow that, so alarm actions on a topic encrypted with it fail
 * silently. The CloudWatch statement is the one AWS documents, without conditions: AWS does not document which
 * condition keys the KMS request SNS makes for CloudWatch carries (a kms:CallerAccount condition is reported to
 * break delivery), and a wrong condition would bring back exactly the silent failure this key exists to fix. The
 * grant is confined to this account's alarms by the topic policy (alarmTopicPolicy), and the key encrypts nothing
 * but this topic.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 */
export function alarmTopicKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        // The default key policy statement: the account (its IAM policies) administers and uses the key.
        // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsPublishToTheTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ],
  });
}

/**
 * The alarm topic's access policy: the account manages it, and CloudWatch may publish to it for this account's
 * alarms only (aws:SourceArn, as AWS documents for alarm topics; it also keeps another account's alarms from using
 * the key through this topic). https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
 */
export function alarmTopicPolicy(partition: string, region: string, accountId: string, topicArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesTheTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
        Resource: topicArn,
      },
      {
        Sid: "ThisAccountsAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` } },
      },
    ],
  });
}

export class OnCall extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly topic: aws.sns.Topic;
  public readonly topicArn: pulumi.Output<string>;
  public readonly alarms: CreatedAlarm[];
  /** What the operator must still do for alarm mail to arrive (an email subscription waits for confirmation). */
  public readonly alarmDelivery: pulumi.Output<string>;

  constructor(name: string, args: OnCallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:oncall:OnCall", name, {}, opts);

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "webhooks: encrypts the alarm topic; CloudWatch may use it to publish alarms",
        enableKeyRotation: true,
        policy: pulumi.all([partition.partition, identity.accountId]).apply(([p, account]) => alarmTopicKeyPolicy(p, account)),
      },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/webhooks-${pulumi.getStack()}-alarms`, targetKeyId: this.key.keyId }, { parent: this });

    this.topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: this.key.arn }, { parent: this });
    this.topicArn = this.topic.arn;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    new aws.sns.TopicPolicy(
      `${name}-alarms-policy`,
      { arn: this.topic.arn, policy: pulumi.all([partition.partition, region, identity.accountId, this.topic.arn]).apply(([p, r, account, topic]) => alarmTopicPolicy(p, r, account, topic)) },
      { parent: this },
    );
    if (args.alarmEmail !== undefined) {
      const subscription = new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: "email", endpoint: args.alarmEmail }, { parent: this });
      // SNS sends a confirmation mail; until someone follows its link the subscription is pending and alarms reach
      // nobody. https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html
      this.alarmDelivery = pulumi
        .all([subscription.pendingConfirmation, args.alarmEmail, this.topic.arn])
        .apply(([pending, email, topic]) =>
          pending === false
            ? `alarms are mailed to ${email} (subscription confirmed)`
            : `ACTION NEEDED: ${email} must open the "AWS Notification - Subscription Confirmation" mail and follow its link; until then alarms reach nobody. Check: aws sns list-subscriptions-by-topic --topic-arn ${topic}`,
        );
    } else {
      this.alarmDelivery = pulumi.output("ACTION NEEDED: no webhooks:alarmEmail is set, so alarms reach nobody; set it (or subscribe your pager to the alarmTopic output)");
    }

    const context = { topicArn: this.topic.arn, runbook: args.runbook, parent: this };
    const consumer = args.consumerFunctionName;
    this.alarms = [
      createAlarm(
        `${name}-consumer-iterator-age`,
        ageAlarm(
          { meaning: "The analytics consumer is falling behind the events table's stream (oldest record over 5 minutes).", runbook: "consumer-iterator-age", panel: "analytics consumer" },
          awsMetric("AWS/Lambda", "IteratorAge", { FunctionName: consumer }),
          300_000,
        ),
        context,
      ),
      createAlarm(
        `${name}-consumer-errors`,
        lambdaCount({ meaning: "The analytics consumer is failing invocations (stream batches are being retried or bisected).", runbook: "consumer-errors", panel: "analytics consumer" }, "Errors", consumer),
        context,
      ),
      createAlarm(
        `${name}-consumer-throttles`,
        lambdaCount(
          { meaning: "The analytics consumer is throttled: its reserved concurrency is below the number of open stream shards, so the stream backs up.", runbook: "consumer-throttles", panel: "analytics consumer" },
          "Throttles",
          consumer,
        ),
        context,
      ),
      createAlarm(
        `${name}-consumer-destination-failures`,
        lambdaCount(
          { meaning: "Lambda could not write a failed stream batch's record to the analytics failure queue: that failure is recorded nowhere.", runbook: "consumer-destination-failures", panel: "analytics consumer" },
          "DestinationDeliveryFailures",
          consumer,
        ),
        context,
      ),
      createAlarm(
        `${name}-malformed-stream-records`,
        countAlarm(
          { meaning: "The analytics consumer dropped stream images that are not event items (they can never be published).", runbook: "malformed-stream-records", panel: "analytics consumer" },
          customMetric(args.metricsNamespace, "MalformedStreamRecords", {}),
          // Each dropped record is an event missing from analytics for good: one is enough to page.
          { datapointsToAlarm: 1, evaluationPeriods: 1, periodSeconds: 300 },
        ),
        context,
      ),
      createAlarm(
        `${name}-kinesis-write-throttling`,
        countAlarm(
          { meaning: "The analytics Kinesis stream is refusing writes for lack of shard capacity.", runbook: "kinesis-write-throttling", panel: "analytics stream" },
          awsMetric("AWS/Kinesis", "WriteProvisionedThroughputExceeded", { StreamName: args.analyticsStreamName }),
          { periodSeconds: 300, datapointsToAlarm: 2, evaluationPeriods: 3 },
        ),
        context,
      ),
      createAlarm(
        `${name}-dynamodb-throttling`,
        countAlarm(
          // ThrottledRequests counts a PutItem once when its table write or any index write was throttled.
          { meaning: "The events table is throttling writes (table or index); workers are retrying and queues may back up.", runbook: "dynamodb-throttling", panel: "events table" },
          awsMetric("AWS/DynamoDB", "ThrottledRequests", { TableName: args.tableName, Operation: "PutItem" }),
        ),
        context,
      ),
      createAlarm(
        `${name}-analytics-failures`,
        queueNotEmpty(
          { meaning: "Stream records exhausted their retries and were sent to the analytics failure queue: they are in the table but not in Kinesis.", runbook: "analytics-failures-not-empty", panel: "analytics stream" },
          args.analyticsFailureQueueName,
        ),
        context,
      ),
    ];
    this.registerOutputs({ topicArn: this.topicArn, alarmDelivery: this.alarmDelivery });
  }
}
