// Reading the events table as the commands need it: a tenant's events by time through the byTenantTime index
// (its 16 write shards queried and merged, handlers/core/eventItem.ts), whole items by key, and an item as the
// analytics record the stream consumer would have published for it (the same code: handlers/core/analytics.ts).
import { BatchGetItemCommand, QueryCommand, type BatchGetItemCommandOutput, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { analyticsRecordOf, type AnalyticsRecord, type StreamAttribute } from "../handlers/core/analytics";
import { eventIdentityOf, eventKey, keyParts, TENANT_TIME_INDEX, TENANT_WRITE_SHARDS, tenantShardKey } from "../handlers/core/eventItem";

export interface IndexRow {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly scheme: string;
  readonly size: number;
  /** The index's sort key, `<ISO time>` (items written before the lean layout: `<ISO time>#<eventId>`): the merge order. */
  readonly receivedKey: string;
}

/**
 * The sort-key range of [since, until] (BETWEEN is inclusive at both ends). Keys are `<ISO time>` or, on items
 * written before the lean layout, `<ISO time>#<eventId>`, and ISO times of one format compare as strings: `since`
 * itself (equal to or a prefix of every key at that millisecond) starts the range, and `until` followed by '$'
 * (just above '#') ends it above every key of that millisecond and below every key of the next.
 */
export function receivedKeyRange(since: Date, until: Date): { from: string; to: string } {
  return { from: since.toISOString(), to: `${until.toISOString()}$` };
}

/** A row of the index in either item layout (eventItem.ts); "" for what an unreadable row does not say. */
function rowOf(item: Record<string, AttributeValue>): IndexRow {
  const identity = eventIdentityOf(item);
  return {
    // From the key, which names the event even when the time does not read: republish can still fetch the item.
    eventId: keyParts(item)?.eventId ?? "",
    receivedAt: identity !== undefined ? new Date(identity.receivedAt).toISOString() : "",
    scheme: item.scheme?.S ?? "",
    size: Number(item.size?.N ?? 0),
    receivedKey: item.receivedKey?.S ?? "",
  };
}

/**
 * By time alone: the ISO time, or, for a row whose time does not read, its sort key's time part (an old-layout key
 * `<ISO time>#<eventId>` would otherwise sort after every lean key of its millisecond, out of the index's order).
 */
function byTime(a: IndexRow, b: IndexRow): number {
  const timeOf = (row: IndexRow) => row.receivedAt || row.receivedKey.split("#")[0]!;
  const [ka, kb] = [timeOf(a), timeOf(b)];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Merge order: by time, then by event id (two events of one millisecond list the same way every time). */
function byReceived(a: IndexRow, b: IndexRow): number {
  return byTime(a, b) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** Pages of one shard of the index within the window, oldest first. */
async function* shardPages(client: DynamoDBClient, table: string, tenant: string, shard: number, since: Date, until: Date, pageSize?: number): AsyncGenerator<IndexRow[]> {
  const { from, to } = receivedKeyRange(since, until);
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: TENANT_TIME_INDEX,
        KeyConditionExpression: "tenantShard = :shard AND receivedKey BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":shard": { S: tenantShardKey(tenant, shard) }, ":from": { S: from }, ":to": { S: to } },
        ScanIndexForward: true,
        ExclusiveStartKey: start,
        ...(pageSize ? { Limit: pageSize } : {}),
      }),
    );
    yield (page.Items ?? []).map(rowOf);
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * The first `limit` events of the tenant in the window, all shards merged by time; `more` when the window holds
 * further events. Each shard contributes at most `limit` rows (the global first `limit` are among them).
 */
export async function listEvents(client: DynamoDBClient, table: string, tenant: string, since: Date, until: Date, limit: number): Promise<{ rows: IndexRow[]; more: boolean }> {
  const perShard = await Promise.all(
    Array.from({ length: TENANT_WRITE_SHARDS }, async (_, shard) => {
      const rows: IndexRow[] = [];
      for await (const page of shardPages(client, table, tenant, shard, since, until, Math.min(limit + 1, 1000))) {
        rows.push(...page);
        // Events of one millisecond share their sort key and come in no set order, so a shard is read past its
        // first `limit` rows until a later time shows: every row that can sort among the first `limit` is in.
        if (rows.length > limit && byTime(rows[rows.length - 1]!, rows[limit - 1]!) > 0) break;
      }
      return rows;
    }),
  );
  const merged = perShard.flat().sort(byReceived);
  return { rows: merged.slice(0, limit), more: merged.length > limit };
}

/** Every event of the tenant in the window, in pages (no order across pages): what republish walks. */
export async function* eachEventPage(client: DynamoDBClient, table: string, tenant: string, since: Date, until: Date): AsyncGenerator<IndexRow[]> {
  for (let shard = 0; shard < TENANT_WRITE_SHARDS; shard++) {
    for await (const page of shardPages(client, table, tenant, shard, since, until, 100)) if (page.length > 0) yield page;
  }
}

/** Whole items by (tenant, eventId), BatchGetItem's 100 keys at a time, unprocessed keys retried. */
export async function getItems(client: DynamoDBClient, table: string, tenant: string, eventIds: readonly string[]): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  // BatchGetItem refuses a request that names one key twice.
  const unique = [...new Set(eventIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, AttributeValue>[] | undefined = unique.slice(i, i + 100).map((eventId) => ({ pk: { S: eventKey(tenant, eventId) } }));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5_000)));
      if (attempt > 10) throw new Error(`BatchGetItem left ${keys.length} key(s) unprocessed after 10 retries`);
      const result: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...(result.Responses?.[table] ?? []));
      keys = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return items;
}

/**
 * An item as DynamoDB's API returns it (binary as bytes) turned into the stream image form the consumer reads
 * (binary as base64, as Lambda delivers it), so analyticsRecordOf builds exactly the record the consumer would.
 */
export function streamImageOf(item: Record<string, AttributeValue>): Record<string, StreamAttribute> {
  const convert = (value: AttributeValue): StreamAttribute => {
    if (value.S !== undefined) return { S: value.S };
    if (value.N !== undefined) return { N: value.N };
    if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
    if (value.M !== undefined) return { M: streamImageOf(value.M) };
    if (value.L !== undefined) return { L: value.L.map(convert) };
    return {};
  };
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, convert(value)]));
}

export function analyticsRecordOfItem(item: Record<string, AttributeValue>): AnalyticsRecord | undefined {
  return analyticsRecordOf(streamImageOf(item));
}
