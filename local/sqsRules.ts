// A proxy in front of local-aws-sqs that enforces what SQS itself enforces on message bodies and the emulator
// does not check exactly: at most 1 MiB of UTF-8 (local-aws-sqs counts UTF-16 code units), and only the
// characters #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (it checks none). So a message
// AWS would refuse is refused locally too, with the error AWS answers, and the local pipeline fails where the
// cloud would. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// It also corrects one count: local-aws-sqs's ApproximateNumberOfMessages counts every message not delayed, in
// flight or not, where SQS counts only the messages available for retrieval; a depth summed with
// ApproximateNumberOfMessagesNotVisible (ops dlq, redrive, the local status) then counted a held message twice.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders } from "node:http";
import { SQS_MAX_MESSAGE_BYTES } from "../handlers/core/envelope";
import { answerProxyFailure, listenOnLoopback } from "./servers";

const ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const FIRST_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface SqsRuleViolation {
  readonly status: number;
  /** The JSON protocol's error type, as AWS names it. */
  readonly type: string;
  /** The query-compatible code the SDK also reads. */
  readonly code: string;
  readonly message: string;
}

/** What SQS answers to a SendMessage with this body, or undefined when it takes it. */
export function sqsBodyViolation(body: string, maxBytes: number = SQS_MAX_MESSAGE_BYTES): SqsRuleViolation | undefined {
  if (!ALLOWED.test(body)) {
    const bad = FIRST_REFUSED.exec(body)![0].codePointAt(0)!.toString(16).toUpperCase();
    return {
      status: 400,
      type: "com.amazonaws.sqs#InvalidMessageContents",
      code: "InvalidMessageContents",
      message: `Invalid binary character '#x${bad}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    };
  }
  if (Buffer.byteLength(body, "utf8") > maxBytes) {
    return {
      status: 400,
      type: "com.amazonaws.sqs#InvalidParameterValueException",
      code: "InvalidParameterValue",
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`,
    };
  }
  return undefined;
}

const VISIBLE = "ApproximateNumberOfMessages";
const NOT_VISIBLE = "ApproximateNumberOfMessagesNotVisible";

/**
 * The GetQueueAttributes request sent on to the emulator: one that asks for the visible count also asks for the
 * in-flight count (needed to correct it), or undefined when it needs no change.
 */
export function countingRequest(payload: unknown): { payload: Record<string, unknown>; addedNotVisible: boolean } | undefined {
  const input = payload as { AttributeNames?: unknown } | null;
  if (!input || typeof input !== "object" || !Array.isArray(input.AttributeNames)) return undefined;
  const names = input.AttributeNames as unknown[];
  if (!names.includes(VISIBLE) && !names.includes("All")) return undefined;
  const addedNotVisible = !names.includes(NOT_VISIBLE) && !names.includes("All");
  return { payload: { ...(input as Record<string, unknown>), AttributeNames: addedNotVisible ? [...names, NOT_VISIBLE] : names }, addedNotVisible };
}

/** The emulator's GetQueueAttributes answer with ApproximateNumberOfMessages counting only visible messages. */
export function correctedCounts(answer: unknown, addedNotVisible: boolean): unknown {
  const attributes = (answer as { Attributes?: Record<string, string> } | null)?.Attributes;
  if (!attributes || attributes[VISIBLE] === undefined || attributes[NOT_VISIBLE] === undefined) return answer;
  const corrected: Record<string, string> = { ...attributes, [VISIBLE]: String(Math.max(0, Number(attributes[VISIBLE]) - Number(attributes[NOT_VISIBLE]))) };
  if (addedNotVisible) delete corrected[NOT_VISIBLE];
  return { ...(answer as object), Attributes: corrected };
}

/** The violation of a JSON-protocol SQS call, if it sends a message SQS would refuse. */
export function sqsCallViolation(target: string, payload: unknown): SqsRuleViolation | undefined {
  const input = payload as { MessageBody?: unknown; Entries?: { MessageBody?: unknown }[] } | null;
  if (!input || typeof input !== "object") return undefined;
  if (target.endsWith(".SendMessage") && typeof input.MessageBody === "string") return sqsBodyViolation(input.MessageBody);
  // A batch is refused whole here (AWS fails the entry); nothing in this project sends batches.
  if (target.endsWith(".SendMessageBatch") && Array.isArray(input.Entries)) {
    for (const entry of input.Entries) {
      const violation = typeof entry?.MessageBody === "string" ? sqsBodyViolation(entry.MessageBody) : undefined;
      if (violation) return violation;
    }
  }
  return undefined;
}

/**
 * The request's headers without the hop-by-hop ones: the body is forwarded whole with its own Content-Length, so
 * a client's `transfer-encoding: chunked` (or its connection options) must not travel beside it.
 * https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
 */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  // Besides the fixed ones, every header the Connection header names is for this hop only.
  const named = String(headers.connection ?? "").split(",").map((name) => name.trim().toLowerCase());
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !named.includes(name) && name !== "content-length") out[name] = value;
  }
  return out;
}
/** The content length is not among them: it is dropped because the proxy sets its own for the body it sends. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

function parsed(json: Buffer): unknown {
  try {
    return JSON.parse(json.toString("utf8"));
  } catch {
    return undefined;
  }
}

export interface SqsRulesProxy {
  readonly endpoint: string;
  /** Calls refused by a rule. */
  readonly refused: () => number;
  stop(): Promise<void>;
}

export async function startSqsRulesProxy(options: { target: string }): Promise<SqsRulesProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  let refused = 0;
  const server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const operation = String(request.headers["x-amz-target"] ?? "");
      // A JSON-protocol call's input, read once for the rules and the count correction.
      const payload = operation ? parsed(body) : undefined;
      if (operation) {
        const violation = sqsCallViolation(operation, payload);
        if (violation) {
          refused += 1;
          const text = JSON.stringify({ __type: violation.type, message: violation.message });
          response.writeHead(violation.status, {
            "content-type": "application/x-amz-json-1.0",
            "x-amzn-requestid": randomUUID(),
            "x-amzn-query-error": `${violation.code};Sender`,
            "content-length": String(Buffer.byteLength(text)),
          });
          response.end(text);
          return;
        }
      }
      const counting = operation.endsWith(".GetQueueAttributes") ? countingRequest(payload) : undefined;
      const forwarded = counting ? Buffer.from(JSON.stringify(counting.payload)) : body;
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, agent, headers: { ...endToEndHeaders(request.headers), host: target.host, "content-length": String(forwarded.length) } },
        (upstream) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(upstream.headers)) {
            if (value !== undefined && name !== "transfer-encoding" && name !== "connection") headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          if (!counting || upstream.statusCode !== 200) {
            response.writeHead(upstream.statusCode ?? 502, headers);
            upstream.pipe(response);
            return;
          }
          const answer: Buffer[] = [];
          upstream.on("data", (chunk: Buffer) => answer.push(chunk));
          upstream.on("end", () => {
            const original = Buffer.concat(answer);
            const decoded = parsed(original);
            const text = decoded === undefined ? original : Buffer.from(JSON.stringify(correctedCounts(decoded, counting.addedNotVisible)));
            response.writeHead(200, { ...headers, "content-length": String(text.length) });
            response.end(text);
          });
          upstream.on("error", (error) => answerProxyFailure(response, "sqs rules proxy", error));
        },
      );
      outgoing.on("error", (error) => {
        if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
        response.end(`sqs rules proxy: ${error.message}`);
      });
      outgoing.end(forwarded);
    } catch (error) {
      answerProxyFailure(response, "sqs rules proxy", error);
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    refused: () => refused,
    stop: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
