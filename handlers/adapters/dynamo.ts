import { ConditionalCheckFailedException, PutItemCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { StoreError } from "../core/errors";
import { storedUnsignedHeaders, type EventItem } from "../core/eventItem";
import type { EventStorePort } from "../core/worker";

/** The item as stored, in the lean layout (eventItem.ts): tenant, event id and time live in the keys only. */
export function eventItemAttributes(item: EventItem): Record<string, AttributeValue> {
  const headers: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item.headers)) headers[name] = { S: value };
  const unsignedHeaders = storedUnsignedHeaders(item);
  return {
    pk: { S: item.pk },
    scheme: { S: item.scheme },
    headers: { M: headers },
    ...(unsignedHeaders !== undefined ? { unsignedHeaders: { L: unsignedHeaders.map((name) => ({ S: name })) } } : {}),
    ...(item.deliveryId !== undefined ? { deliveryId: { S: item.deliveryId } } : {}),
    ...(item.signedUrl !== undefined ? { signedUrl: { S: item.signedUrl } } : {}),
    // Inline body or the pointer to it (an item has exactly one of the two).
    ...(item.bodyPointer !== undefined
      ? { bodyPointer: { M: { bucket: { S: item.bodyPointer.bucket }, key: { S: item.bodyPointer.key }, size: { N: String(item.bodyPointer.size) }, sha256: { S: item.bodyPointer.sha256 } } } }
      : { body: { B: item.body }, ...(item.bodyEncoding !== undefined ? { bodyEncoding: { S: item.bodyEncoding } } : {}) }),
    size: { N: String(item.size) },
    tenantShard: { S: item.tenantShard },
    receivedKey: { S: item.receivedKey },
    expiresAt: { N: String(item.expiresAt) },
  };
}

/** Conditional PutItem: the first delivery of an event id writes, every later one is a no-op duplicate. */
export class DynamoEventStore implements EventStorePort {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async putIfAbsent(item: EventItem): Promise<"stored" | "duplicate"> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: eventItemAttributes(item),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return "stored";
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === "ConditionalCheckFailedException") {
        return "duplicate";
      }
      throw new StoreError(`PutItem failed: ${error instanceof Error ? error.name : String(error)}`, true, { cause: error });
    }
  }
}
