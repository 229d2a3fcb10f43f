// `GET /_local/status`: per tenant, what the handlers reported (received, accepted, rejected, duplicates, from
// their own EMF metric lines) next to what the stores hold (stored: a table query; published: records read back
// from Kinesis; dlq: the dead-letter queue's depth). The second half is never counted by the handlers, so a
// loss between them shows as a gap. `stored` counts items whether their body is inline or, over the inline
// threshold, in the bodies bucket behind a pointer (issue 13): an item is written only after its body was put, so
// a stored event always has its body. The bucket is not counted: a put whose SendMessage then failed (503) leaves an
// object that no item points at until the sender's retry, which overwrites the same key.
import { QueryCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { TENANT_TIME_INDEX, TENANT_WRITE_SHARDS, tenantShardKey } from "../handlers/core/eventItem";
import type { MetricSink } from "../handlers/observability";

export interface TenantStatus {
  received: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  stored: number;
  published: number;
  dlq: number;
}

export interface PipelineStatus {
  readonly tenants: Record<string, TenantStatus>;
}

type HandlerCounts = Pick<TenantStatus, "received" | "accepted" | "rejected" | "duplicates">;

/** Counts the handlers' own metric lines per tenant (the lines CloudWatch would turn into metrics). */
export class HandlerCounters {
  private readonly counts = new Map<string, HandlerCounts>();

  readonly sink: MetricSink = (line) => {
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const tenant = document.Tenant;
    if (typeof tenant !== "string") return;
    const counts = this.of(tenant);
    const add = (field: keyof HandlerCounts, metric: string) => {
      const value = document[metric];
      if (typeof value === "number") counts[field] += value;
    };
    add("received", "Received");
    add("accepted", "Accepted");
    add("rejected", "Rejected");
    add("duplicates", "Duplicates");
  };

  of(tenant: string): HandlerCounts {
    let counts = this.counts.get(tenant);
    if (!counts) {
      counts = { received: 0, accepted: 0, rejected: 0, duplicates: 0 };
      this.counts.set(tenant, counts);
    }
    return counts;
  }
}

/** Items of a tenant in the table, counted through the tenant-by-time index (all write shards). */
export async function countStored(client: DynamoDBClient, tableName: string, tenant: string): Promise<number> {
  const countShard = async (shard: number) => {
    let total = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TENANT_TIME_INDEX,
          KeyConditionExpression: "tenantShard = :shard",
          ExpressionAttributeValues: { ":shard": { S: tenantShardKey(tenant, shard) } },
          Select: "COUNT",
          ExclusiveStartKey: start,
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  };
  const counts = await Promise.all(Array.from({ length: TENANT_WRITE_SHARDS }, (_, shard) => countShard(shard)));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Messages in a queue, visible or not (a DLQ's depth). */
export async function queueDepth(client: SQSClient, queueUrl: string): Promise<number> {
  const result = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }),
  );
  const attributes = result.Attributes ?? {};
  return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0);
}

/**
 * Reads the analytics stream back from the start of every shard, remembering which events of which tenant it
 * holds. Kinesis is at-least-once (a retried PutRecords may write a record twice), so events are counted once
 * each.
 */
export class KinesisReadBack {
  private readonly iterators = new Map<string, string | undefined>();
  private readonly events = new Map<string, Set<string>>();
  private reading?: Promise<void>;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  published(tenant: string): number {
    return this.events.get(tenant)?.size ?? 0;
  }

  /** Reads everything written so far; concurrent callers share one read. */
  catchUp(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    const shards = await this.client.send(new ListShardsCommand({ StreamName: this.streamName }));
    for (const shard of shards.Shards ?? []) {
      const id = shard.ShardId!;
      if (!this.iterators.has(id)) {
        const start = await this.client.send(new GetShardIteratorCommand({ StreamName: this.streamName, ShardId: id, ShardIteratorType: "TRIM_HORIZON" }));
        this.iterators.set(id, start.ShardIterator);
      }
      for (;;) {
        const iterator = this.iterators.get(id);
        if (!iterator) break;
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        this.iterators.set(id, page.NextShardIterator);
        for (const record of page.Records ?? []) this.remember(record.Data);
        if ((page.Records ?? []).length === 0) break;
      }
    }
  }

  private remember(data: Uint8Array | undefined): void {
    if (!data) return;
    let parsed: { tenant?: unknown; eventId?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(data).toString("utf8")) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.tenant !== "string" || typeof parsed.eventId !== "string") return;
    let seen = this.events.get(parsed.tenant);
    if (!seen) {
      seen = new Set();
      this.events.set(parsed.tenant, seen);
    }
    seen.add(parsed.eventId);
  }
}
