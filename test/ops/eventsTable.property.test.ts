// The time range ops reads from the byTenantTime index (ops/eventsTable.ts): keys of both item layouts,
// `<ISO time>` and, on items written before the lean layout, `<ISO time>#<eventId>` (handlers/core/eventItem.ts).
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { eachEventPage, getItems, listEvents, receivedKeyRange } from "../../ops/eventsTable";

interface FakeRow {
  readonly shard: number;
  readonly eventId: string;
  readonly time: number;
}

/**
 * A byTenantTime index over `rows`: each shard's rows in sort-key order, rows of one key in the order given (the
 * order DynamoDB leaves unset), served in pages of `Limit` as Query serves them.
 */
function fakeIndex(rows: readonly FakeRow[]): DynamoDBClient {
  return {
    async send(command: QueryCommand) {
      const input = command.input;
      const values = input.ExpressionAttributeValues!;
      const shard = Number(values[":shard"]!.S!.split("#")[1]);
      const [from, to] = [values[":from"]!.S!, values[":to"]!.S!];
      const inShard = rows
        .map((row, order) => ({ row, order, key: new Date(row.time).toISOString() }))
        .filter(({ row, key }) => row.shard === shard && from <= key && key <= to)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order));
      const start = input.ExclusiveStartKey ? Number(input.ExclusiveStartKey.at!.N) : 0;
      const page = inShard.slice(start, start + (input.Limit ?? inShard.length));
      const next = start + page.length;
      const items: Record<string, AttributeValue>[] = page.map(({ row, key }) => ({ pk: { S: `acme#${row.eventId}` }, tenantShard: { S: `acme#${row.shard}` }, receivedKey: { S: key }, scheme: { S: "github" }, size: { N: "2" } }));
      return { Items: items, ...(next < inShard.length ? { LastEvaluatedKey: { at: { N: String(next) } } } : {}) };
    },
  } as unknown as DynamoDBClient;
}

// Years 1970-2099: toISOString's fixed-width form, in which ISO times compare as strings.
const arbTime = fc.integer({ min: 0, max: 4_102_444_799_999 });

describe("ops events: the index's time range (properties)", () => {
  it("a key of either layout is in [from, to] exactly when its time is in [since, until] (DynamoDB's BETWEEN, inclusive)", () => {
    fc.assert(
      fc.property(arbTime, arbTime, arbTime, fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(0, 1, -1), (a, b, t, eventId, nudge) => {
        const [since, until] = a <= b ? [a, b] : [b, a];
        // Times at and next to the bounds are where an off-by-one millisecond shows.
        const time = Math.max(0, [t, since, until][Math.abs(t) % 3]! + nudge);
        const { from, to } = receivedKeyRange(new Date(since), new Date(until));
        const iso = new Date(time).toISOString();
        const inside = since <= time && time <= until;
        for (const key of [iso, `${iso}#${eventId}`]) assert.equal(from <= key && key <= to, inside, key);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("ops events: listing with a limit", () => {
  it("the first `limit` events by time then event id, whatever order DynamoDB gives events of one millisecond", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ shard: fc.integer({ min: 0, max: 2 }), eventId: fc.stringMatching(/^e[0-9]{1,2}$/), time: fc.integer({ min: 1_764_244_800_000, max: 1_764_244_800_003 }) }), { maxLength: 30 }).map((rows) => [...new Map(rows.map((row) => [row.eventId, row])).values()]),
        fc.integer({ min: 1, max: 8 }),
        async (rows, limit) => {
          const since = new Date(1_764_244_800_000);
          const until = new Date(1_764_244_800_003);
          const expected = [...rows].sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)).map((row) => row.eventId);
          const { rows: listed, more } = await listEvents(fakeIndex(rows), "events", "acme", since, until, limit);
          assert.deepEqual(listed.map((row) => row.eventId), expected.slice(0, limit));
          assert.equal(more, expected.length > limit);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("six events of one millisecond in one shard, served in descending id order: a limit of 2 lists the two lowest ids", async () => {
    const rows = ["e9", "e44", "e42", "e41", "e4", "e0"].map((eventId) => ({ shard: 0, eventId, time: 1_764_244_800_001 }));
    const { rows: listed } = await listEvents(fakeIndex(rows), "events", "acme", new Date(1_764_244_800_000), new Date(1_764_244_800_002), 2);
    assert.deepEqual(listed.map((row) => row.eventId), ["e0", "e4"]);
  });
});

describe("ops events: rows and keys that do not read as the workers write them", () => {
  const T = 1_764_244_800_001;
  const iso = new Date(T).toISOString();
  /** One shard's page as Query returns it, in sort-key order. */
  const onePage = (items: Record<string, AttributeValue>[]) =>
    ({ async send(command: QueryCommand) { return { Items: command.input.ExpressionAttributeValues![":shard"]!.S === "acme#0" ? items : [] }; } }) as unknown as DynamoDBClient;

  it("a row of the layout before whose time does not read sorts by its key's time part, not after its whole millisecond", async () => {
    // In the index's order: the lean key `<ISO>` first, then the old-layout keys `<ISO>#<id>`.
    const items: Record<string, AttributeValue>[] = [
      { pk: { S: "acme#z9" }, receivedKey: { S: iso } },
      { pk: { S: "acme#a1" }, receivedKey: { S: `${iso}#a1` }, eventId: { S: "a1" }, receivedAt: { N: "soon" } },
      { pk: { S: "acme#b1" }, receivedKey: { S: `${iso}#b1` }, eventId: { S: "b1" }, receivedAt: { N: String(T) } },
    ];
    const { rows } = await listEvents(onePage(items), "events", "acme", new Date(T - 1), new Date(T + 1), 1);
    assert.deepEqual(rows.map((row) => row.eventId), ["a1"], "the damaged row still names its event (from pk) and sorts first by id");
  });

  it("a row whose time does not read still names its event from pk, so republish can fetch the item", async () => {
    const items = [{ pk: { S: "acme#e#1" }, receivedKey: { S: "not a time" } }];
    const pages: string[][] = [];
    for await (const page of eachEventPage(onePage(items), "events", "acme", new Date(T - 1), new Date(T + 1))) pages.push(page.map((row) => row.eventId));
    assert.deepEqual(pages, [["e#1"]]);
  });

  it("getItems asks BatchGetItem for each key once (it refuses a request naming a key twice)", async () => {
    const asked: string[][] = [];
    const client = {
      async send(command: { input: { RequestItems: Record<string, { Keys: Record<string, AttributeValue>[] }> } }) {
        const keys = command.input.RequestItems.events!.Keys.map((key) => key.pk!.S!);
        asked.push(keys);
        return { Responses: { events: keys.map((pk) => ({ pk: { S: pk } })) } };
      },
    } as unknown as DynamoDBClient;
    const items = await getItems(client, "events", "acme", ["e1", "e2", "e1", "", ""]);
    assert.deepEqual(asked, [["acme#e1", "acme#e2", "acme#"]]);
    assert.equal(items.length, 3);
  });
});
