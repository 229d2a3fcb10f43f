import assert from "node:assert/strict";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import { CachedSecrets } from "../../handlers/adapters/secrets";
import { SqsEventQueue, type EventQueuePort } from "../../handlers/adapters/sqs";
import { decodeEnvelope } from "../../handlers/core/envelope";
import { SQS_MAX_MESSAGE_BYTES } from "../../handlers/core/envelope";
import { createVerifier } from "../../handlers/core/verify/registry";
import { SCHEMES, type SchemeName } from "../../handlers/core/verify/types";
import { makeIngestHandler, requestUrl } from "../../handlers/ingestHandler";
import { functionUrlEvent } from "../../local/events";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type RunningServer } from "../../local/servers";
import { startSqsRulesProxy, type SqsRulesProxy } from "../../local/sqsRules";
import { signRequest } from "../../local/sign";
import { arbHeaders, HMAC_OPTIONS, SCHEME_SECRETS as SECRETS } from "../helpers/arbitraries";
import { FakeAws } from "../helpers/fakeAws";
import { MetricsSpy, silentLogger } from "../helpers/handlers";

const NOW = 1_760_000_000_000;
const URL_BASE = "https://abc.lambda-url.eu-west-1.on.aws/";

function handlerFor(scheme: SchemeName, queue: EventQueuePort, options: { secrets?: () => Promise<string[]>; maxBodyBytes?: number; publicBaseUrl?: string } = {}) {
  const verifier = createVerifier({ scheme, toleranceSeconds: 300, hmac: HMAC_OPTIONS });
  const metrics = new MetricsSpy();
  const keys = new CachedSecrets({ load: options.secrets ?? (async () => [SECRETS[scheme]]) }, (s) => verifier.prepare(s), 60_000);
  const handler = makeIngestHandler({
    settings: { tenant: "acme", scheme, maxBodyBytes: options.maxBodyBytes ?? 256 * 1024, publicBaseUrl: options.publicBaseUrl },
    verifier, keys, queue, now: () => NOW, logger: silentLogger, metrics: metrics.sink, namespace: "Test",
  });
  return { handler, metrics };
}

function signedEvent(scheme: SchemeName, body: Buffer, extra: { contentType?: string; method?: string; deliveryId?: string } = {}) {
  const signed = signRequest({ scheme, secret: SECRETS[scheme], body, nowSeconds: NOW / 1000, url: URL_BASE, hmac: HMAC_OPTIONS, contentType: extra.contentType, deliveryId: extra.deliveryId });
  return functionUrlEvent({ method: extra.method ?? "POST", url: signed.url, headers: signed.headers, body }, NOW);
}

describe("ingest handler against a real SQS server (local-aws-sqs)", () => {
  let sqsServer: RunningServer;
  let sqs: SQSClient;
  let queueUrl: string;

  before(async () => {
    sqsServer = await startSqs();
    sqs = new SQSClient({ endpoint: sqsServer.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "ingest-test" }))).QueueUrl!;
  });
  after(async () => {
    sqs.destroy();
    await sqsServer.stop();
  });

  async function drain() {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    return received.Messages ?? [];
  }

  for (const scheme of SCHEMES) {
    it(`${scheme}: a signed webhook is answered 202 only with its raw bytes in the queue`, async () => {
      const { handler, metrics } = handlerFor(scheme, new SqsEventQueue(sqs, queueUrl));
      const body = scheme === "twilio" ? Buffer.from("Body=hello+world&From=%2B15551234") : Buffer.from(JSON.stringify({ id: "evt_1", text: "héllo \u0000" }));
      const contentType = scheme === "twilio" ? "application/x-www-form-urlencoded" : "application/json";
      const response = await handler(signedEvent(scheme, body, { contentType, deliveryId: "d-1" }));
      assert.equal(response.statusCode, 202, String(response.body));
      const messages = await drain();
      assert.equal(messages.length, 1);
      const envelope = decodeEnvelope(messages[0]!.Body!);
      assert.equal(envelope.body.toString("hex"), body.toString("hex"));
      assert.equal(envelope.tenant, "acme");
      assert.equal(JSON.parse(String(response.body)).eventId, envelope.eventId);
      assert.equal(metrics.total("Accepted"), 1);
    });
  }

  it("a binary body (base64-encoded by the function URL) is verified and stored byte for byte", async () => {
    const { handler } = handlerFor("github", new SqsEventQueue(sqs, queueUrl));
    const body = Buffer.from([0, 255, 254, 1, 0x80, 0xc3]);
    const event = signedEvent("github", body, { contentType: "application/octet-stream" });
    assert.equal(event.isBase64Encoded, true);
    assert.equal((await handler(event)).statusCode, 202);
    assert.equal(decodeEnvelope((await drain())[0]!.Body!).body.toString("hex"), body.toString("hex"));
  });

  it("broken requests get their 4xx and nothing reaches the queue", async () => {
    const { handler, metrics } = handlerFor("standard-webhooks", new SqsEventQueue(sqs, queueUrl), { maxBodyBytes: 1024 });
    const good = signedEvent("standard-webhooks", Buffer.from("{}"));
    const cases: [string, typeof good, number, string][] = [
      ["GET", { ...good, requestContext: { ...good.requestContext, http: { ...good.requestContext.http, method: "GET" } } }, 405, "method_not_allowed"],
      ["oversized", signedEvent("standard-webhooks", Buffer.alloc(1025, 0x61)), 413, "body_too_large"],
      ["missing signature", { ...good, headers: { ...good.headers, "webhook-signature": undefined } }, 400, "missing_header"],
      ["bad timestamp format", { ...good, headers: { ...good.headers, "webhook-timestamp": "soon" } }, 400, "malformed_header"],
      ["stale timestamp", signedEventAt(-301), 401, "timestamp_out_of_tolerance"],
      ["future timestamp", signedEventAt(301), 401, "timestamp_out_of_tolerance"],
      ["bad signature", { ...good, body: "{ }" }, 401, "bad_signature"],
    ];
    for (const [label, event, status, reason] of cases) {
      const response = await handler(event);
      assert.equal(response.statusCode, status, label);
      const parsed = JSON.parse(String(response.body));
      assert.equal(parsed.error, reason, label);
      assert.ok(!String(response.body).includes(SECRETS["standard-webhooks"].slice(6)), "secret leaked");
    }
    assert.deepEqual(await drain(), []);
    assert.equal(metrics.total("Rejected"), cases.length);

    function signedEventAt(skewSeconds: number) {
      const body = Buffer.from("{}");
      const signed = signRequest({ scheme: "standard-webhooks", secret: SECRETS["standard-webhooks"], body, nowSeconds: NOW / 1000 + skewSeconds, url: URL_BASE });
      return functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body }, NOW);
    }
  });

  it("a bad signature is never a 5xx: arbitrary requests get 4xx and enqueue nothing", async () => {
    const { handler } = handlerFor("stripe", new SqsEventQueue(sqs, queueUrl));
    await fc.assert(
      fc.asyncProperty(arbHeaders, fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (headers, body, base64) => {
        const response = await handler({ ...signedEvent("stripe", Buffer.from("x")), headers, body: Buffer.from(body).toString(base64 ? "base64" : "utf8"), isBase64Encoded: base64 });
        assert.ok(response.statusCode! >= 400 && response.statusCode! < 500, String(response.statusCode));
      }),
      { numRuns: 100 },
    );
    assert.deepEqual(await drain(), []);
  });

  it("Slack's url_verification handshake is answered 200 with the challenge, after the signature holds", async () => {
    const { handler } = handlerFor("slack", new SqsEventQueue(sqs, queueUrl));
    const body = Buffer.from(JSON.stringify({ type: "url_verification", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", token: "x" }));
    const response = await handler(signedEvent("slack", body));
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    const forged = await handler({ ...signedEvent("slack", body), headers: { ...signedEvent("slack", body).headers, "x-slack-signature": "v0=00" } });
    assert.equal(forged.statusCode, 401);
    assert.deepEqual(await drain(), []);
  });

  it("missing or unusable secrets fail closed with a 500, never an acceptance", async () => {
    for (const secrets of [async () => Promise.reject(new Error("AccessDenied")), async () => ["not-base64!"]]) {
      const { handler, metrics } = handlerFor("standard-webhooks", new SqsEventQueue(sqs, queueUrl), { secrets });
      const response = await handler(signedEvent("standard-webhooks", Buffer.from("{}")));
      assert.equal(response.statusCode, 500);
      assert.equal(metrics.total("SecretsUnavailable"), 1);
    }
    assert.deepEqual(await drain(), []);
  });
});

describe("ingest handler: every verified body can be enqueued (SQS's rules enforced in front of local-aws-sqs)", () => {
  let sqsServer: RunningServer;
  let rules: SqsRulesProxy;
  let sqs: SQSClient;
  let queueUrl: string;

  before(async () => {
    sqsServer = await startSqs();
    rules = await startSqsRulesProxy({ target: sqsServer.endpoint });
    sqs = new SQSClient({ endpoint: rules.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "ingest-rules", Attributes: { MaximumMessageSize: String(SQS_MAX_MESSAGE_BYTES) } }))).QueueUrl!;
  });
  after(async () => {
    sqs.destroy();
    await rules.stop();
    await sqsServer.stop();
  });

  const worst: [string, Buffer][] = [
    ["200 KiB of NUL (valid UTF-8; JSON makes each 6 bytes)", Buffer.alloc(200 * 1024)],
    ["350 KiB of U+FFFF (valid UTF-8; SQS refuses the character)", Buffer.alloc(3 * 119_466, Buffer.from("\uffff"))],
    ["350 KiB of control characters", Buffer.alloc(350 * 1024, 0x1f)],
  ];
  for (const [label, body] of worst) {
    it(`${label}: 202, in the queue, byte for byte`, async () => {
      const { handler } = handlerFor("github", new SqsEventQueue(sqs, queueUrl), { maxBodyBytes: 350 * 1024 });
      const response = await handler(signedEvent("github", body, { contentType: "application/json" }));
      assert.equal(response.statusCode, 202, String(response.body));
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
      assert.ok(decodeEnvelope(received.Messages![0]!.Body!).body.equals(body));
    });
  }

  it("what cannot be enqueued is a 413, never a 503 (a body limit configured above what SQS can carry)", async () => {
    const sent: string[] = [];
    const { handler, metrics } = handlerFor("github", { send: async (message) => (sent.push(message), { messageId: "m" }) }, { maxBodyBytes: 2 * 1024 * 1024 });
    const response = await handler(signedEvent("github", Buffer.alloc(900 * 1024, 0xff), { contentType: "application/octet-stream" }));
    assert.equal(response.statusCode, 413);
    assert.equal(JSON.parse(response.body).error, "body_too_large");
    assert.deepEqual(sent, []);
    assert.equal(metrics.total("EnqueueFailures"), 0);
  });
});

describe("ingest handler: request edge cases", () => {
  const accepted: string[] = [];
  const queue: EventQueuePort = { send: async (message) => (accepted.push(message), { messageId: "m" }) };

  it("body: null is treated as an empty body (a 4xx or 202, never a throw that becomes a 502)", async () => {
    const { handler } = handlerFor("github", queue);
    const response = await handler({ ...signedEvent("github", Buffer.alloc(0)), body: null as unknown as undefined });
    assert.equal(response.statusCode, 202, response.body);
  });

  it("the Twilio URL is never rebuilt from x-forwarded-proto: https on the function URL, or PUBLIC_BASE_URL", async () => {
    const body = Buffer.from("Body=hi&From=%2B15551230000");
    const contentType = "application/x-www-form-urlencoded";
    // Signed for http:// but arriving at the https function URL with a forged x-forwarded-proto: refused.
    const http = signRequest({ scheme: "twilio", secret: SECRETS.twilio, body, nowSeconds: NOW / 1000, url: URL_BASE.replace("https:", "http:"), contentType });
    const forged = functionUrlEvent({ method: "POST", url: http.url, headers: { ...http.headers, "x-forwarded-proto": "http" }, body }, NOW);
    forged.requestContext.domainName = new URL(URL_BASE).host;
    assert.equal((await handlerFor("twilio", queue).handler(forged)).statusCode, 401);
    // Signed for the public (custom domain) URL: accepted when PUBLIC_BASE_URL names it, whatever the headers say.
    const custom = signRequest({ scheme: "twilio", secret: SECRETS.twilio, body, nowSeconds: NOW / 1000, url: "https://hooks.example.com/acme", contentType });
    const event = functionUrlEvent({ method: "POST", url: `${URL_BASE}acme`, headers: { ...custom.headers, "x-forwarded-proto": "http" }, body }, NOW);
    assert.equal((await handlerFor("twilio", queue, { publicBaseUrl: "https://hooks.example.com" }).handler(event)).statusCode, 202);
    assert.equal((await handlerFor("twilio", queue).handler(event)).statusCode, 401);
  });

  it("Twilio: a JSON body signed through ?bodySHA256= verifies; the URL given to the verifier keeps its query string", async () => {
    accepted.length = 0;
    const body = Buffer.from(JSON.stringify({ MessageSid: "SM1", Body: "hi" }));
    const event = signedEvent("twilio", body, { contentType: "application/json" });
    assert.match(event.rawQueryString, /^bodySHA256=[0-9a-f]{64}$/);
    const response = await handlerFor("twilio", queue).handler(event);
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(decodeEnvelope(accepted[0]!).signedUrl, `${URL_BASE}?${event.rawQueryString}`);
  });

  it("a body of exactly maxBodyBytes is accepted and one byte more is a 413, as text and as base64", async () => {
    const limit = 1024;
    for (const contentType of ["application/json", "application/octet-stream"]) {
      const { handler } = handlerFor("github", queue, { maxBodyBytes: limit });
      const exact = signedEvent("github", Buffer.alloc(limit, 0x61), { contentType });
      assert.equal(exact.isBase64Encoded, contentType === "application/octet-stream");
      assert.equal((await handler(exact)).statusCode, 202, `${contentType}: exactly the limit`);
      const over = await handler(signedEvent("github", Buffer.alloc(limit + 1, 0x61), { contentType }));
      assert.equal(over.statusCode, 413, `${contentType}: one byte over`);
      assert.equal(JSON.parse(over.body).error, "body_too_large");
    }
  });

  it("a base64 body is sized by its decoded bytes: binary bodies between 3/4 of the limit and the limit are accepted", async () => {
    const limit = 1024;
    const { handler } = handlerFor("github", queue, { maxBodyBytes: limit });
    for (const size of [Math.ceil((limit * 3) / 4) + 1, limit - 2, limit - 1, limit]) {
      const event = signedEvent("github", Buffer.alloc(size, 0xfe), { contentType: "application/octet-stream" });
      assert.ok(event.isBase64Encoded && event.body!.length > limit, "the base64 text is longer than the limit");
      assert.equal((await handler(event)).statusCode, 202, `${size} bytes`);
    }
  });

  it("a verifier that throws answers 401, never a throw (which the function URL would turn into a 502)", async () => {
    const verifier = createVerifier({ scheme: "github", toleranceSeconds: 300 });
    const throwing = { ...verifier, verify: () => { throw new RangeError("verifier bug"); } };
    const metrics = new MetricsSpy();
    const handler = makeIngestHandler({
      settings: { tenant: "acme", scheme: "github", maxBodyBytes: 1024 }, verifier: throwing, keys: { get: async () => [] }, queue,
      now: () => NOW, logger: silentLogger, metrics: metrics.sink, namespace: "Test",
    });
    const response = await handler(signedEvent("github", Buffer.from("{}")));
    assert.deepEqual([response.statusCode, JSON.parse(response.body).error], [401, "bad_signature"]);
    assert.equal(metrics.total("Rejected"), 1);
  });

  it("a 405 names the allowed method; only bad signatures and stale timestamps count as SignatureFailures", async () => {
    const { handler, metrics } = handlerFor("github", queue, { maxBodyBytes: 64 });
    const good = signedEvent("github", Buffer.from("{}"));
    const get = await handler({ ...good, requestContext: { ...good.requestContext, http: { ...good.requestContext.http, method: "GET" } } });
    assert.deepEqual([get.statusCode, get.headers.allow, get.headers["content-type"]], [405, "POST", "application/json"]);
    const forged = await handler({ ...good, headers: { ...good.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` } });
    assert.equal(forged.statusCode, 401);
    assert.equal((await handler(signedEvent("github", Buffer.alloc(65, 0x61)))).statusCode, 413);
    const missing = await handler({ ...good, headers: { ...good.headers, "x-hub-signature-256": undefined } });
    assert.deepEqual([missing.statusCode, missing.headers.allow], [400, undefined]);
    assert.deepEqual([metrics.total("Received"), metrics.total("Rejected"), metrics.total("SignatureFailures")], [4, 4, 1]);
    const reasons = metrics.lines.map((line) => line.Reason);
    assert.deepEqual(reasons, ["method_not_allowed", "bad_signature", "body_too_large", "missing_header"], "the reason is a property of each metric line");
    const stale = handlerFor("slack", queue);
    const old = signRequest({ scheme: "slack", secret: SECRETS.slack, body: Buffer.from("{}"), nowSeconds: NOW / 1000 - 301, url: URL_BASE });
    assert.equal((await stale.handler(functionUrlEvent({ method: "POST", url: old.url, headers: old.headers, body: Buffer.from("{}") }, NOW))).statusCode, 401);
    assert.equal(stale.metrics.total("SignatureFailures"), 1, "a stale timestamp is a signature failure");
  });

  it("accepted: 202 with the event id as JSON, one Accepted metric, and a handshake answers 200 without enqueueing", async () => {
    accepted.length = 0;
    const { handler, metrics } = handlerFor("github", queue);
    const response = await handler(signedEvent("github", Buffer.from("{}")));
    assert.deepEqual([response.statusCode, response.headers["content-type"]], [202, "application/json"]);
    assert.deepEqual(Object.keys(JSON.parse(response.body)), ["eventId"]);
    assert.deepEqual([metrics.total("Received"), metrics.total("Accepted"), metrics.total("Rejected")], [1, 1, 0]);
    const slack = handlerFor("slack", queue);
    const body = Buffer.from(JSON.stringify({ type: "url_verification", challenge: "c-1" }));
    const handshake = await slack.handler(signedEvent("slack", body));
    assert.deepEqual([handshake.statusCode, handshake.body], [200, "c-1"]);
    assert.deepEqual([slack.metrics.total("Handshakes"), slack.metrics.total("Accepted")], [1, 0]);
    assert.equal(accepted.length, 1, "only the webhook was enqueued");
  });

  it("an event whose request context has no http method is a 405, never a throw; secrets unavailable answer JSON naming the error", async () => {
    const { handler } = handlerFor("github", queue);
    const event = signedEvent("github", Buffer.from("{}"));
    const response = await handler({ ...event, requestContext: { ...event.requestContext, http: undefined as never } });
    assert.equal(response.statusCode, 405);
    const failing = handlerFor("github", queue, { secrets: async () => Promise.reject(new Error("AccessDenied")) });
    const unavailable = await failing.handler(event);
    assert.deepEqual([unavailable.statusCode, unavailable.headers["content-type"], JSON.parse(unavailable.body).error], [500, "application/json", "secrets_unavailable"]);
  });

  it("the envelope marks the kept headers the signature does not cover, and keeps the delivery id as metadata", async () => {
    accepted.length = 0;
    const { handler } = handlerFor("github", queue);
    const event = signedEvent("github", Buffer.from("{}"), { deliveryId: "d-42" });
    assert.equal((await handler(event)).statusCode, 202);
    const envelope = decodeEnvelope(accepted[0]!);
    assert.equal(envelope.deliveryId, "d-42");
    assert.match(envelope.eventId, /^sig:/);
    assert.deepEqual([...envelope.unsignedHeaders!].sort(), Object.keys(envelope.headers).sort());
    assert.ok(envelope.unsignedHeaders!.includes("x-github-event"));
  });
});

describe("ingest handler when SQS fails (errors as AWS sends them)", () => {
  it("answers 503 with Retry-After when SendMessage fails, so the sender retries", async () => {
    const fake = await FakeAws.start(() => ({
      status: 500,
      contentType: "application/x-amz-json-1.0",
      body: { __type: "com.amazonaws.sqs#InternalError", message: "We encountered an internal error. Please try again." },
    }));
    try {
      const sqs = new SQSClient({ endpoint: fake.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2, retryStrategy: undefined });
      const { handler, metrics } = handlerFor("github", new SqsEventQueue(sqs, `${fake.endpoint}/000000000000/q`));
      const response = await handler(signedEvent("github", Buffer.from("{}")));
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers?.["retry-after"], "5");
      assert.equal(response.headers?.["content-type"], "application/json");
      assert.equal(JSON.parse(response.body).error, "enqueue_failed");
      assert.equal(metrics.total("EnqueueFailures"), 1);
      assert.ok(fake.calls.every((call) => call.target === "AmazonSQS.SendMessage"));
      sqs.destroy();
    } finally {
      await fake.stop();
    }
  });
});

describe("ingest handler answers and metric lines (in-memory queue)", () => {
  const memory = (fail = false): EventQueuePort & { sent: string[] } => {
    const sent: string[] = [];
    return { sent, send: async (body) => (fail ? Promise.reject(new Error("down")) : (sent.push(body), { messageId: `m-${sent.length}` })) };
  };
  const lineOf = (metrics: MetricsSpy) => metrics.lines[0]! as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string }[] } };

  it("the 500 and 503 answers are the documented JSON bodies", async () => {
    const unavailable = await handlerFor("github", memory(), { secrets: async () => Promise.reject(new Error("AccessDenied")) }).handler(signedEvent("github", Buffer.from("{}")));
    assert.deepEqual(JSON.parse(unavailable.body), { error: "secrets_unavailable", message: "the endpoint cannot verify signatures right now" });
    const down = await handlerFor("github", memory(true)).handler(signedEvent("github", Buffer.from("{}")));
    assert.deepEqual([down.statusCode, down.headers["retry-after"], JSON.parse(down.body)], [503, "5", { error: "enqueue_failed", message: "temporarily unable to accept; retry later" }]);
  });

  it("every metric line is under the tenant, in the namespace, at the injected time; a rejection's also names its reason", async () => {
    const cases = [
      ["accepted", handlerFor("github", memory()), "POST"],
      ["rejected", handlerFor("github", memory()), "PUT"],
      ["secrets unavailable", handlerFor("github", memory(), { secrets: async () => Promise.reject(new Error("AccessDenied")) }), "POST"],
      ["enqueue failed", handlerFor("github", memory(true)), "POST"],
    ] as const;
    for (const [label, h, method] of cases) {
      await h.handler(signedEvent("github", Buffer.from("{}"), { method }));
      const line = lineOf(h.metrics);
      assert.deepEqual([line.Tenant, line.Received, line._aws.Timestamp, line._aws.CloudWatchMetrics[0]!.Namespace], ["acme", 1, NOW, "Test"], label);
    }
    const rejected = handlerFor("github", memory());
    await rejected.handler(signedEvent("github", Buffer.from("{}"), { method: "PUT" }));
    assert.deepEqual([lineOf(rejected.metrics).Reason, lineOf(rejected.metrics).Rejected, lineOf(rejected.metrics).SignatureFailures], ["method_not_allowed", 1, 0]);
  });

  it("a stale timestamp and a bad signature count as SignatureFailures; a missing header does not", async () => {
    const stale = handlerFor("slack", memory());
    const old = signRequest({ scheme: "slack", secret: SECRETS.slack, body: Buffer.from("{}"), nowSeconds: NOW / 1000 - 301, url: URL_BASE });
    await stale.handler(functionUrlEvent({ method: "POST", url: old.url, headers: old.headers, body: Buffer.from("{}") }, NOW));
    assert.deepEqual([lineOf(stale.metrics).Reason, lineOf(stale.metrics).SignatureFailures], ["timestamp_out_of_tolerance", 1]);
    const forged = handlerFor("github", memory());
    const good = signedEvent("github", Buffer.from("{}"));
    await forged.handler({ ...good, headers: { ...good.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` } });
    assert.deepEqual([lineOf(forged.metrics).Reason, lineOf(forged.metrics).SignatureFailures], ["bad_signature", 1]);
    const missing = handlerFor("github", memory());
    await missing.handler({ ...good, headers: { ...good.headers, "x-hub-signature-256": undefined } });
    assert.deepEqual([lineOf(missing.metrics).Reason, lineOf(missing.metrics).SignatureFailures], ["missing_header", 0]);
  });

  it("only a 405 carries Allow; a handshake answers with its own content type", async () => {
    const slack = handlerFor("slack", memory());
    const handshake = await slack.handler(signedEvent("slack", Buffer.from(JSON.stringify({ type: "url_verification", challenge: "c-1" }))));
    assert.deepEqual([handshake.statusCode, handshake.headers, handshake.body], [200, { "content-type": "text/plain" }, "c-1"]);
    const h = handlerFor("github", memory());
    const tooLarge = await handlerFor("github", memory(), { maxBodyBytes: 1 }).handler(signedEvent("github", Buffer.from("{}")));
    assert.deepEqual([tooLarge.statusCode, tooLarge.headers], [413, { "content-type": "application/json" }]);
    const put = await h.handler(signedEvent("github", Buffer.from("{}"), { method: "PUT" }));
    assert.deepEqual([put.statusCode, put.headers], [405, { "content-type": "application/json", allow: "POST" }]);
  });

  it("an event without a request context is a 405 when PUBLIC_BASE_URL names the URL, never a throw", async () => {
    const { handler } = handlerFor("github", memory(), { publicBaseUrl: "https://hooks.example.com" });
    const event = signedEvent("github", Buffer.from("{}"));
    const response = await handler({ ...event, requestContext: undefined as never });
    assert.deepEqual([response.statusCode, response.headers.allow], [405, "POST"]);
  });

  it("the URL the signature covers: the function URL's https origin and path, or PUBLIC_BASE_URL's; '/' when the event has no path", () => {
    const event = functionUrlEvent({ method: "POST", url: "https://abc.lambda-url.eu-west-1.on.aws/hooks?a=1", headers: {}, body: Buffer.alloc(0) }, NOW);
    assert.equal(requestUrl(event), "https://abc.lambda-url.eu-west-1.on.aws/hooks?a=1");
    assert.equal(requestUrl(event, "https://hooks.example.com/in"), "https://hooks.example.com/in/hooks?a=1");
    assert.equal(requestUrl({ ...event, rawPath: undefined as never, rawQueryString: "" }), "https://abc.lambda-url.eu-west-1.on.aws/");
  });
});
