// Builds Lambda event payloads exactly as the AWS event sources deliver them.
import { randomUUID } from "node:crypto";
import type { LambdaFunctionURLEvent, SQSRecord } from "aws-lambda";

/** Content types a function URL passes as text; anything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export interface HttpRequestLike {
  readonly method: string;
  /** Full URL, e.g. http://127.0.0.1:8787/acme?x=1 */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly sourceIp?: string;
}

/**
 * Payload format 2.0: lower-case headers (repeated ones joined by commas), raw path and query string, cookies
 * split out, and a base64 body unless the content type is text.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export function functionUrlEvent(request: HttpRequestLike, nowMs = Date.now()): LambdaFunctionURLEvent {
  const url = new URL(request.url);
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
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    cookies,
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: url.host,
      domainPrefix: url.hostname.split(".")[0]!,
      http: { method: request.method.toUpperCase(), path: url.pathname, protocol: "HTTP/1.1", sourceIp: request.sourceIp ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(nowMs).toUTCString(),
      timeEpoch: nowMs,
    },
    body: request.body.length === 0 ? undefined : request.body.toString(isText ? "utf8" : "base64"),
    isBase64Encoded: !isText,
  } as LambdaFunctionURLEvent;
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
