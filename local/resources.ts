// Creates the local counterparts of the cloud resources, from the same definitions the components use.
import { CreateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { TenantConfig } from "../components/config";
import { EVENTS_TABLE, FAILURE_QUEUE, QUEUE } from "../components/settings";

export async function createEventsTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const index = EVENTS_TABLE.tenantTimeIndex;
  const result = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: EVENTS_TABLE.hashKey, AttributeType: "S" },
        { AttributeName: index.hashKey, AttributeType: "S" },
        { AttributeName: index.rangeKey, AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: EVENTS_TABLE.hashKey, KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: "HASH" },
            { AttributeName: index.rangeKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projected] },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  // TTL as eventStore.ts sets it (DynamoDB Local accepts the setting; expiry there is best effort).
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: EVENTS_TABLE.ttlAttribute, Enabled: true } }));
  return result.TableDescription!.LatestStreamArn!;
}

export async function createAnalyticsStream(client: KinesisClient, streamName: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let i = 0; i < 200; i++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

export interface TenantResources {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly asyncFailureQueueUrl: string;
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** The tenant's queue, its DLQ (redrive after maxReceiveCount) and the async-failure queue, as tenantPipeline.ts makes them. */
export async function createTenantQueues(sqs: SQSClient, prefix: string, tenant: TenantConfig, visibilityTimeoutSeconds: number): Promise<TenantResources> {
  const dlq = await createQueue(sqs, `${prefix}-${tenant.id}-dlq`, { MessageRetentionPeriod: String(QUEUE.dlqRetentionSeconds), MaximumMessageSize: String(QUEUE.maximumMessageBytes) });
  const queue = await createQueue(sqs, `${prefix}-${tenant.id}-queue`, {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(QUEUE.messageRetentionSeconds),
    MaximumMessageSize: String(QUEUE.maximumMessageBytes),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: QUEUE.maxReceiveCount }),
  });
  const asyncFailures = await createQueue(sqs, `${prefix}-${tenant.id}-async-failures`, { MessageRetentionPeriod: String(FAILURE_QUEUE.messageRetentionSeconds) });
  return { queueUrl: queue.url, queueArn: queue.arn, dlqUrl: dlq.url, asyncFailureQueueUrl: asyncFailures.url };
}
