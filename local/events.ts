// Builds Lambda event payloads exactly as the AWS event sources deliver them.
import { randomUUID } from "node:crypto";
import type { LambdaFunctionURLEvent, SQSRecord } from "aws-lambda";

/** Content types a function URL passes as text; anything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export interface HttpRequestLike {
  readonly method: string;
  /** Full URL, e.g. http://127.0.0.1:8787/acme?x=1 */
  readonly url: string;
  /**
   * The request target exactly as sent (`/acme?x=1`), when known: rawPath and rawQueryString are taken from it,
   * as sent, rather than from `url` as the WHATWG parser re-serialises it (it percent-encodes `'` in a query and
   * folds `/./` and `/../`, which would change a URL Twilio signed).
   */
  readonly target?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly sourceIp?: string;
}

/**
 * Payload format 2.0: lower-case headers (repeated ones joined by commas), raw path and query string, query
 * parameters (repeated ones joined by commas), cookies split out, and a base64 body unless the content type is text.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export function functionUrlEvent(request: HttpRequestLike, nowMs = Date.now()): LambdaFunctionURLEvent {
  const url = new URL(request.url);
  const target = request.target ?? `${url.pathname}${url.search}`;
  const queryAt = target.indexOf("?");
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? "" : target.slice(queryAt + 1);
  let queryStringParameters: Record<string, string> | undefined;
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters ??= {};
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (key === "cookie") {
      cookies = (Array.isArray(value) ? value.join("; ") : value).split(/;\s*/);
      continue;
    }
    headers[key] = Array.isArray(value) ? value.join(",") : value;
  }
  headers["x-forwarded-proto"] ??= url.protocol.replace(":", "");
  headers["x-forwarded-port"] ??= url.port || (url.protocol === "https:" ? "443" : "80");
  const isText = request.body.length === 0 || TEXT_TYPES.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    cookies,
    headers,
    queryStringParameters,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: url.host,
      domainPrefix: url.hostname.split(".")[0]!,
      http: { method: request.method.toUpperCase(), path: rawPath, protocol: "HTTP/1.1", sourceIp: request.sourceIp ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: requestTimeOf(nowMs),
      timeEpoch: nowMs,
    },
    body: request.body.length === 0 ? undefined : request.body.toString(isText ? "utf8" : "base64"),
    isBase64Encoded: !isText,
  } as LambdaFunctionURLEvent;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** requestContext.time as function URLs write it: `12/Mar/2020:19:03:58 +0000` (the docs' example event). */
export function requestTimeOf(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** An SQS event record as the SQS event source delivers it; attributes the queue reported override the defaults. */
export function sqsRecord(fields: {
  messageId: string;
  body: string;
  receiptHandle?: string;
  receiveCount?: number;
  queueArn?: string;
  sentAt?: number;
  md5OfBody?: string;
  attributes?: Readonly<Record<string, string>>;
}): SQSRecord {
  const now = String(Date.now());
  const reported = fields.attributes ?? {};
  return {
    messageId: fields.messageId,
    receiptHandle: fields.receiptHandle ?? fields.messageId,
    body: fields.body,
    attributes: {
      ApproximateReceiveCount: reported.ApproximateReceiveCount ?? String(fields.receiveCount ?? 1),
      SentTimestamp: reported.SentTimestamp ?? String(fields.sentAt ?? now),
      SenderId: reported.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: reported.ApproximateFirstReceiveTimestamp ?? now,
    },
    messageAttributes: {},
    md5OfBody: fields.md5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: fields.queueArn ?? "arn:aws:sqs:us-east-1:000000000000:local",
    awsRegion: "us-east-1",
  };
}
