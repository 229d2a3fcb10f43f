// Creates the local counterparts of the cloud resources, from the same definitions the components use.
import { CreateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { EVENTS_TABLE } from "../components/settings";

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
