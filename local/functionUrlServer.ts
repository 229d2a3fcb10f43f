// Emulates Lambda function URLs on 127.0.0.1: `http://127.0.0.1:<port>/<tenant>` turns each request into a
// payload 2.0 event for that tenant's handler and the handler's result back into an HTTP response. Each tenant
// has a concurrency limit (its reserved concurrency); a request beyond it gets 429, as a throttled function URL
// answers. https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import type { IngestResponse } from "../handlers/ingestHandler";
import { ReservedConcurrency, withTimeout } from "./invocation";
import { functionUrlEvent } from "./events";

export interface HostedFunction {
  readonly handler: (event: LambdaFunctionURLEvent, context: { awsRequestId: string }) => Promise<IngestResponse>;
  readonly reservedConcurrency: number;
  /** The function's timeout: a request still running after it gets the same 502 as a function error. */
  readonly timeoutSeconds?: number;
}

/**
 * A synchronous invocation's payload is at most 6 MB, and for a function URL the payload is the event: the body
 * (base64 for a binary content type, 4/3 of it), the headers and the request context. The body is cut off as soon
 * as it alone is over; the built event is measured before the handler is called.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TOO_LARGE = { message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" };
/** `<scheme>://<authority>` at the start of an absolute-form request target (a path never starts so). */
const ABSOLUTE_FORM_PREFIX = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

export interface FunctionUrlServer {
  readonly port: number;
  readonly server: Server;
  url(tenant: string): string;
  /** Stops accepting, waits for in-flight requests, closes. */
  close(): Promise<void>;
}

type ExtraRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

export async function startFunctionUrlServer(functions: ReadonlyMap<string, HostedFunction>, port: number, extraRoute?: ExtraRoute): Promise<FunctionUrlServer> {
  const slots = new Map([...functions].map(([tenant, hosted]) => [tenant, new ReservedConcurrency(hosted.reservedConcurrency)]));
  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };

  const server = createServer(async (request, response) => {
    try {
      if (extraRoute && (await extraRoute(request, response))) return;
      // The request target as sent: a path (origin form), or a whole URL (absolute form) whose path is kept. It is
      // never parsed as a URL relative to the host, which would read `//evil/acme` as host `evil`.
      const target = (request.url ?? "/").replace(ABSOLUTE_FORM_PREFIX, "") || "/";
      const host = request.headersDistinct.host?.[0] ?? `127.0.0.1:${actual}`;
      const tenant = target.split(/[/?]/)[1] ?? "";
      const hosted = functions.get(tenant);
      if (!hosted) return send(response, 404, { error: "not_found", message: `no tenant '${tenant}' here` });

      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > MAX_REQUEST_BYTES) return send(response, 413, TOO_LARGE);
        chunks.push(chunk as Buffer);
      }
      // headersDistinct keeps every value of a repeated header (request.headers keeps only the first of some, such
      // as content-type and authorization); the event joins them with commas, as Lambda does.
      const event = functionUrlEvent({ method: request.method ?? "GET", url: `http://${host}/`, target, headers: request.headersDistinct, body: Buffer.concat(chunks) });
      if (Buffer.byteLength(JSON.stringify(event), "utf8") > MAX_REQUEST_BYTES) return send(response, 413, TOO_LARGE);
      const outcome = await slots.get(tenant)!.run(() => withTimeout(hosted.handler(event, { awsRequestId: randomUUID() }), hosted.timeoutSeconds));
      if (outcome.throttled) return send(response, 429, { message: "Rate Exceeded." }, { "x-amzn-errortype": "TooManyRequestsException" });
      response.writeHead(outcome.value.statusCode, outcome.value.headers);
      response.end(outcome.value.body);
    } catch {
      // An unhandled function error: function URLs answer 502.
      if (!response.headersSent) send(response, 502, { message: "Internal Server Error" });
      else response.destroy();
    }
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    port: actual,
    server,
    url: (tenant) => `http://127.0.0.1:${actual}/${tenant}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
