// The local pipeline's own routes next to the tenants' URLs:
// - `GET /_local/status`: handler counts next to what the stores hold (see status.ts);
// - Lambda's Invoke API for the workers under `/_local/lambda`, so `aws lambda invoke --endpoint-url
//   http://127.0.0.1:<port>/_local/lambda --function-name <tenant>-worker --invocation-type Event --payload ...`
//   replays a batch as on AWS. https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PipelineStatus } from "./status";

export interface LocalRouteDeps {
  readonly status: () => Promise<PipelineStatus>;
  readonly hasWorker: (tenant: string) => boolean;
  /** Accepts an asynchronous invocation of the tenant's worker; returns its request id. */
  readonly invokeWorkerAsync: (tenant: string, payload: unknown) => string;
  /** Function names may carry the stack prefix (`webhooks-<stack>-<tenant>-worker`) or not. */
  readonly functionPrefix: string;
}

export function makeLocalRoutes(deps: LocalRouteDeps) {
  return async function localRoutes(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = (request.url ?? "/").split("?")[0]!;
    if (!path.startsWith("/_local/")) return false;
    const reply = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(code, { "content-type": "application/json", ...headers });
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (path === "/_local/status") {
      if (request.method !== "GET") reply(405, { error: "method_not_allowed", message: "GET only" }, { allow: "GET" });
      else {
        try {
          reply(200, await deps.status());
        } catch (error) {
          reply(503, { error: "status_unavailable", message: (error as Error).message });
        }
      }
      return true;
    }
    const invoke = /^\/_local\/lambda\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (invoke && request.method === "POST") {
      const name = decodeURIComponent(invoke[1]!).replace(/^arn:.*:function:/, "").replace(new RegExp(`^${deps.functionPrefix}-`), "");
      const tenant = name.endsWith("-worker") ? name.slice(0, -"-worker".length) : "";
      if (!deps.hasWorker(tenant)) {
        reply(404, { Type: "User", message: `Function not found: ${name}` }, { "x-amzn-errortype": "ResourceNotFoundException" });
        return true;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        reply(400, { Type: "User", message: "Could not parse request body into json" }, { "x-amzn-errortype": "InvalidRequestContentException" });
        return true;
      }
      if (String(request.headers["x-amz-invocation-type"] ?? "RequestResponse") !== "Event") {
        reply(400, { Type: "User", message: "Locally, workers are invoked asynchronously only: use --invocation-type Event" }, { "x-amzn-errortype": "InvalidParameterValueException" });
        return true;
      }
      const requestId = deps.invokeWorkerAsync(tenant, payload);
      reply(202, undefined, { "x-amzn-requestid": requestId });
      return true;
    }
    reply(404, { error: "not_found", message: `no local route ${path}` });
    return true;
  };
}
