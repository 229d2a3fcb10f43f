// `--fail "sqs=0.1,dynamodb=0.05,kinesis=0.2,s3=0.1"`: a proxy in front of a local server that answers that fraction
// of calls with the errors AWS returns under pressure, in each service's own wire format, so the SDK clients
// and the handlers meet exactly what they meet in the cloud:
// - throttling (HTTP 400) and 503, before the call reaches the server (nothing happened);
// - 500 after the call reached the server (it happened, but the caller cannot know: the ambiguous case that
//   makes retries produce duplicates);
// - for Kinesis PutRecords, partial failures: some records throttled inside a 200 answer.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders } from "node:http";
import { answerProxyFailure, listenOnLoopback } from "./servers";

export const FAULT_SERVICES = ["sqs", "dynamodb", "kinesis", "s3"] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];
export type FailSpec = Partial<Record<FaultService, number>>;

export class FailSpecError extends Error {
  constructor(message: string) {
    super(`--fail: ${message} (expected e.g. "sqs=0.1,dynamodb=0.05,kinesis=0.2,s3=0.1")`);
    this.name = "FailSpecError";
  }
}

export function parseFailSpec(spec: string): FailSpec {
  const result: FailSpec = {};
  for (const part of spec.split(",").map((piece) => piece.trim()).filter(Boolean)) {
    const match = /^([a-z0-9]+)=(.+)$/.exec(part);
    if (!match) throw new FailSpecError(`'${part}' is not service=rate`);
    const [, service, rateText] = match;
    if (!(FAULT_SERVICES as readonly string[]).includes(service!)) throw new FailSpecError(`unknown service '${service}'; one of ${FAULT_SERVICES.join(", ")}`);
    const rate = Number(rateText);
    if (!/^\d*\.?\d+$/.test(rateText!) || !(rate >= 0 && rate < 1)) throw new FailSpecError(`rate of ${service} must be a number from 0 to below 1, got '${rateText}'`);
    if (service! in result) throw new FailSpecError(`${service} given twice`);
    result[service as FaultService] = rate;
  }
  return result;
}

interface Fault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** True when the call is forwarded first and only its answer replaced. */
  readonly afterForwarding: boolean;
}

const FAULTS: Record<FaultService, { readonly prefix: string; readonly contentType: string; readonly faults: readonly Fault[] }> = {
  sqs: {
    prefix: "com.amazonaws.sqs#",
    contentType: "application/x-amz-json-1.0",
    faults: [
      { status: 400, code: "RequestThrottled", message: "Request is throttled.", afterForwarding: false },
      { status: 503, code: "ServiceUnavailable", message: "Service is unable to handle request.", afterForwarding: false },
      { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again.", afterForwarding: true },
    ],
  },
  dynamodb: {
    prefix: "com.amazonaws.dynamodb.v20120810#",
    contentType: "application/x-amz-json-1.0",
    faults: [
      { status: 400, code: "ThrottlingException", message: "Rate of requests exceeds the allowed throughput.", afterForwarding: false },
      { status: 400, code: "ProvisionedThroughputExceededException", message: "The level of configured provisioned throughput for the table was exceeded.", afterForwarding: false },
      { status: 503, code: "ServiceUnavailable", message: "Service unavailable", afterForwarding: false },
      { status: 500, code: "InternalServerError", message: "Internal server error", afterForwarding: true },
    ],
  },
  // S3 answers in XML (<Error><Code>...), not JSON: the REST/XML protocol.
  // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
  s3: {
    prefix: "",
    contentType: "application/xml",
    faults: [
      { status: 503, code: "SlowDown", message: "Please reduce your request rate.", afterForwarding: false },
      { status: 503, code: "ServiceUnavailable", message: "Service is unable to handle request.", afterForwarding: false },
      { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again.", afterForwarding: true },
    ],
  },
  kinesis: {
    prefix: "",
    contentType: "application/x-amz-json-1.1",
    faults: [
      { status: 400, code: "ProvisionedThroughputExceededException", message: "Rate exceeded for stream.", afterForwarding: false },
      { status: 503, code: "ServiceUnavailable", message: "Service Unavailable", afterForwarding: false },
      { status: 500, code: "InternalFailure", message: "Internal service failure.", afterForwarding: true },
    ],
  },
};

export interface FaultProxyOptions {
  readonly service: FaultService;
  /** Endpoint of the real local server, e.g. http://127.0.0.1:4567 */
  readonly target: string;
  readonly rate: number;
  readonly random?: () => number;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Calls forwarded untouched, and faults injected by error code. */
  readonly stats: { forwarded: number; injected: Record<string, number> };
  stop(): Promise<void>;
}

interface Forwarded {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = options.random ?? Math.random;
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const spec = FAULTS[options.service];
  const stats = { forwarded: 0, injected: {} as Record<string, number> };
  const count = (code: string) => (stats.injected[code] = (stats.injected[code] ?? 0) + 1);

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Forwarded>((resolve, reject) => {
      const outgoing = httpRequest(
        // S3 requests keep their Host header: s3rver checks the SigV4 signature, which covers it.
        { host: target.hostname, port: target.port, method, path, agent, headers: { ...headers, host: options.service === "s3" ? headers.host : target.host, "content-length": String(body.length) } },
        async (response) => {
          const chunks: Buffer[] = [];
          for await (const chunk of response) chunks.push(chunk as Buffer);
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) });
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  const errorBody = (fault: Fault) =>
    options.service === "s3"
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message}</Message><RequestId>${randomUUID()}</RequestId><HostId>local</HostId></Error>`
      : JSON.stringify({ __type: `${spec.prefix}${fault.code}`, message: fault.message });

  const server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      let body: Buffer = Buffer.concat(chunks);
      const method = request.method ?? "POST";
      const path = request.url ?? "/";
      const operation = String(request.headers["x-amz-target"] ?? "");
      const reply = (status: number, headers: Record<string, string>, text: string | Buffer) => {
        response.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
        response.end(text);
      };
      const replyFault = (fault: Fault) => {
        count(fault.code);
        const headers: Record<string, string> = { "content-type": spec.contentType, [options.service === "s3" ? "x-amz-request-id" : "x-amzn-requestid"]: randomUUID() };
        // SQS's JSON protocol also names the error the query way; the SDK reads either.
        if (options.service === "sqs") headers["x-amzn-query-error"] = `${fault.code};${fault.status >= 500 ? "Receiver" : "Sender"}`;
        reply(fault.status, headers, errorBody(fault));
      };

      if (options.rate > 0 && random() < options.rate) {
        // Kinesis PutRecords: half of its faults are partial failures inside a 200, the way a hot shard answers.
        if (options.service === "kinesis" && operation.endsWith(".PutRecords") && random() < 0.5) {
          const input = JSON.parse(body.toString("utf8")) as { Records: unknown[]; StreamName?: string; StreamARN?: string };
          const failing = input.Records.map(() => random() < 0.5);
          if (!failing.some(Boolean)) failing[0] = true;
          const kept = input.Records.filter((_, index) => !failing[index]);
          let accepted: { Records: unknown[] } = { Records: [] };
          if (kept.length > 0) {
            const result = await forward(method, path, request.headers, Buffer.from(JSON.stringify({ ...input, Records: kept })));
            if (result.status !== 200) return reply(result.status, { "content-type": String(result.headers["content-type"] ?? spec.contentType) }, result.body);
            accepted = JSON.parse(result.body.toString("utf8")) as { Records: unknown[] };
          }
          let next = 0;
          const records = failing.map((failed) =>
            failed ? { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard shardId-000000000000 in stream." } : accepted.Records[next++],
          );
          const failedCount = records.filter((record) => (record as { ErrorCode?: string }).ErrorCode).length;
          count("PutRecords.partial");
          return reply(200, { "content-type": spec.contentType }, JSON.stringify({ FailedRecordCount: failedCount, Records: records }));
        }
        const fault = spec.faults[Math.floor(random() * spec.faults.length)]!;
        if (fault.afterForwarding) await forward(method, path, request.headers, body);
        return replyFault(fault);
      }
      stats.forwarded += 1;
      const result = await forward(method, path, request.headers, body);
      body = result.body;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers)) {
        if (value !== undefined && name !== "content-length" && name !== "transfer-encoding" && name !== "connection") headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      reply(result.status, headers, body);
    } catch (error) {
      answerProxyFailure(response, "fault proxy", error);
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    stats,
    stop: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
