// --fail on all three services: the SDK's retries, the handlers' retries and the event sources' redelivery
// together must lose nothing and store nothing twice. Every accepted (2xx) event must end up stored and
// published, or in the DLQ.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DynamoDBClient, ScanCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { loadStackFile } from "../../components/config";
import { decodeEnvelope } from "../../handlers/core/envelope";
import { eventIdentityOf } from "../../handlers/core/eventItem";
import { parseFailSpec } from "../../local/faultProxy";
import { startLocalPipeline, type LocalPipeline } from "../../local/pipeline";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import type { PipelineStatus } from "../../local/status";
import { sampleBody } from "../../scripts/send";
import { silentLogger } from "../helpers/handlers";
import { eventually, postSigned, VISIBILITY_TIMEOUT_SECONDS, writeSecrets } from "../helpers/localPipeline";

describe("local pipeline under --fail (throttling, 500 and 503 from every service)", function () {
  // Up to 8 rounds, each settled within 90 s (seconds when healthy).
  this.timeout(8 * 95_000);
  const config = loadStackFile("dev");
  const { file, secrets } = writeSecrets(config.tenants);
  const fail = parseFailSpec("sqs=0.2,dynamodb=0.2,kinesis=0.4");
  let pipeline: LocalPipeline;

  before(async () => {
    pipeline = await startLocalPipeline({ config, port: 0, secretsFile: file, logger: silentLogger, fail, timing: { visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, streamRetryDelayMs: () => 100 } });
  });
  after(async () => {
    await pipeline?.stop();
  });

  it("every request that got a 2xx is stored once and published, or is in the DLQ: nothing lost, nothing duplicated", async () => {
    const perRound = 20;
    const accepted = new Map<string, Set<string>>(config.tenants.map((tenant) => [tenant.id, new Set()]));
    const statuses: Record<string, number> = {};
    const sendRound = () =>
      Promise.all(
        config.tenants.map(async (tenant) => {
          // One sender per tenant, below its reserved concurrency (the 429 path is not what this test is about),
          // retrying a 503 with the same delivery as providers do: a 503 may follow an enqueue that did happen.
          for (let n = 0; n < perRound; n++) {
            const deliveryId = randomUUID();
            const sample = sampleBody(tenant, n);
            for (let attempt = 1; ; attempt++) {
              const result = await postSigned(pipeline.url(tenant.id), tenant, secrets.get(tenant.id)!, deliveryId, sample);
              statuses[result.status] = (statuses[result.status] ?? 0) + 1;
              if (result.status === 202) {
                accepted.get(tenant.id)!.add(result.eventId!);
                break;
              }
              assert.equal(result.status, 503, "a failed enqueue must ask the sender to retry");
              assert.ok(attempt < 10, "ten 503s in a row");
            }
          }
        }),
      );
    const status = async () => (await (await fetch(`http://127.0.0.1:${pipeline.port}/_local/status`)).json()) as PipelineStatus;
    const settled = (s: PipelineStatus) => config.tenants.every((t) => s.tenants[t.id]!.stored + s.tenants[t.id]!.dlq >= accepted.get(t.id)!.size && s.tenants[t.id]!.published >= s.tenants[t.id]!.stored);
    const injected = (service: "sqs" | "dynamodb" | "kinesis") => Object.values(pipeline.faults[service]!.injected).reduce((a, b) => a + b, 0);

    // Rounds until every service has injected faults, the ambiguous kinds (applied, then a 500) included, each round
    // settled: faults are drawn at random, so one round may miss a kind (Kinesis sees few, large calls).
    const allKindsSeen = () => (pipeline.faults.sqs!.injected.InternalError ?? 0) > 0 && (pipeline.faults.dynamodb!.injected.InternalServerError ?? 0) > 0 && injected("kinesis") > 0;
    let rounds = 0;
    let final: PipelineStatus;
    do {
      await sendRound();
      rounds += 1;
      final = await eventually(status, settled, 90_000, "every accepted event stored and published, or dead-lettered");
    } while (rounds < 8 && !allKindsSeen());
    const total = [...accepted.values()].reduce((sum, ids) => sum + ids.size, 0);
    assert.equal(total, rounds * perRound * config.tenants.length, `every event accepted in the end: ${JSON.stringify(statuses)}`);

    // The stores themselves, read directly: exactly the accepted events, each once.
    const dynamodb = new DynamoDBClient({ endpoint: pipeline.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const sqs = new SQSClient({ endpoint: pipeline.endpoints.sqs, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const items: Record<string, AttributeValue>[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamodb.send(new ScanCommand({ TableName: pipeline.names.table, ExclusiveStartKey: start, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      for (const tenant of config.tenants) {
        const stored = items.map((item) => eventIdentityOf(item)!).filter((event) => event.tenant === tenant.id).map((event) => event.eventId);
        assert.equal(new Set(stored).size, stored.length, "an event stored twice");
        const dead: string[] = [];
        for (;;) {
          const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: pipeline.names.tenants[tenant.id]!.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
          if (!page.Messages?.length) break;
          for (const message of page.Messages) dead.push(decodeEnvelope(message.Body!).eventId);
        }
        const accounted = new Set([...stored, ...dead]);
        for (const eventId of accepted.get(tenant.id)!) assert.ok(accounted.has(eventId), `${tenant.id}: accepted event ${eventId} is neither stored nor dead-lettered`);
        for (const eventId of stored) assert.ok(accepted.get(tenant.id)!.has(eventId), `${tenant.id}: stored an event nobody got a 2xx for`);
        assert.equal(final.tenants[tenant.id]!.stored, stored.length);
        assert.equal(final.tenants[tenant.id]!.published, stored.length, `${tenant.id}: published differs from stored`);
      }
    } finally {
      dynamodb.destroy();
      sqs.destroy();
    }

    // The faults really happened, on every service, including the ambiguous kind (applied, then a 500).
    assert.ok(pipeline.faults.sqs!.injected.InternalError! > 0, JSON.stringify(pipeline.faults));
    assert.ok(pipeline.faults.dynamodb!.injected.InternalServerError! > 0, JSON.stringify(pipeline.faults));
    assert.ok(injected("kinesis") > 0, JSON.stringify(pipeline.faults));
  });

  it("a bad --fail spec is refused with the reason", () => {
    assert.throws(() => parseFailSpec("lambda=0.1"), /unknown service 'lambda'/);
    assert.throws(() => parseFailSpec("sqs=1"), /from 0 to below 1/);
    assert.throws(() => parseFailSpec("sqs=abc"), /from 0 to below 1/);
    assert.throws(() => parseFailSpec("sqs=0.1,sqs=0.2"), /given twice/);
    assert.throws(() => parseFailSpec("sqs"), /not service=rate/);
    assert.deepEqual(parseFailSpec("sqs=0.1, dynamodb=0.05,kinesis=.2"), { sqs: 0.1, dynamodb: 0.05, kinesis: 0.2 });
  });
});
