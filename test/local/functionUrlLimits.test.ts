// The function URL emulator's answers that AWS defines (local/functionUrlServer.ts): 404 for an unknown path,
// 413 when the event (the invocation payload) is over 6 MB, the event as Lambda builds it, and the handler's
// response as is.
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { startFunctionUrlServer, type FunctionUrlServer } from "../../local/functionUrlServer";

// "Request payload: 6 MB" for synchronous invocations, function URLs included.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const SIX_MB = 6 * 1024 * 1024;

function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/octet-stream", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "EPIPE" || (error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
    req.end(body);
  });
}

describe("function URL emulator: AWS's answers", () => {
  let server: FunctionUrlServer;
  const seen: LambdaFunctionURLEvent[] = [];
  before(async () => {
    server = await startFunctionUrlServer(
      new Map([["acme", { reservedConcurrency: 2, handler: async (event) => (seen.push(event), { statusCode: 201, headers: { "x-from": "handler" }, body: `got ${event.body?.length ?? 0}` }) }]]),
      0,
    );
  });
  after(async () => server.close());

  it("an unknown tenant path is a 404 naming it; the handler is not called", async () => {
    seen.length = 0;
    const response = await post(server.url("initech"), Buffer.from("{}"));
    assert.deepEqual([response.status, JSON.parse(response.body)], [404, { error: "not_found", message: "no tenant 'initech' here" }]);
    assert.equal(seen.length, 0);
  });

  it("the 6 MB is the event's: a text body a few KB short of it reaches the handler, a body of exactly 6 MB is a 413 with Lambda's message", async () => {
    seen.length = 0;
    const under = await post(server.url("acme"), Buffer.alloc(SIX_MB - 4096, 0x61), { "content-type": "text/plain" });
    assert.equal(under.status, 201);
    assert.equal(seen.length, 1);
    for (const size of [SIX_MB, SIX_MB + 1]) {
      const over = await post(server.url("acme"), Buffer.alloc(size, 0x61), { "content-type": "text/plain" });
      assert.equal(over.status, 413, `${size}`);
      assert.deepEqual(JSON.parse(over.body), { message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" });
    }
    assert.equal(seen.length, 1, "the oversized requests never reached the handler");
  });

  it("an event of exactly 6 MB reaches the handler; one byte more is a 413", async () => {
    seen.length = 0;
    // The event around a text body of 'a's is the body plus a fixed overhead (same digits in content-length).
    const probeSize = SIX_MB - 8192;
    assert.equal((await post(server.url("acme"), Buffer.alloc(probeSize, 0x61), { "content-type": "text/plain" })).status, 201);
    const overhead = Buffer.byteLength(JSON.stringify(seen[0])) - probeSize;
    const exact = await post(server.url("acme"), Buffer.alloc(SIX_MB - overhead, 0x61), { "content-type": "text/plain" });
    assert.equal(exact.status, 201);
    assert.equal(Buffer.byteLength(JSON.stringify(seen[1])), SIX_MB);
    const over = await post(server.url("acme"), Buffer.alloc(SIX_MB - overhead + 1, 0x61), { "content-type": "text/plain" });
    assert.equal(over.status, 413);
    assert.equal(seen.length, 2);
  });

  it("the tenant is the first segment of the path as sent: a path is never read as a host, a whole URL keeps its path and query", async () => {
    const sendRaw = (requestLine: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, "127.0.0.1", () => socket.end(`${requestLine}\r\nHost: h.test\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`));
        let text = "";
        socket.on("data", (chunk) => (text += chunk));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
      });
    seen.length = 0;
    assert.match(await sendRaw("POST //evil/acme HTTP/1.1"), /^HTTP\/1\.1 404 /);
    assert.equal(seen.length, 0);
    assert.match(await sendRaw("POST http://elsewhere.test:9/acme?q='v' HTTP/1.1"), /^HTTP\/1\.1 201 /);
    assert.deepEqual([seen[0]!.rawPath, seen[0]!.rawQueryString, seen[0]!.requestContext.domainName], ["/acme", "q='v'", "h.test"]);
    // A URL inside the query is not a target's scheme and host.
    seen.length = 0;
    assert.match(await sendRaw("POST /acme?next=https://x.test/y HTTP/1.1"), /^HTTP\/1\.1 201 /);
    assert.deepEqual([seen[0]!.rawPath, seen[0]!.rawQueryString], ["/acme", "next=https://x.test/y"]);
    // A target without a path (OPTIONS *) names no tenant.
    assert.match(await sendRaw("OPTIONS * HTTP/1.1"), /^HTTP\/1\.1 404 [\s\S]*no tenant '' here/);
  });

  it("a binary body travels base64 (4/3): 4.4 MiB reaches the handler, 4.5 MiB (6 MiB as base64) is a 413", async () => {
    seen.length = 0;
    const fits = await post(server.url("acme"), Buffer.alloc(Math.floor(4.4 * 1024 * 1024), 0xff));
    assert.deepEqual([fits.status, seen.length, seen[0]?.isBase64Encoded], [201, 1, true]);
    const over = await post(server.url("acme"), Buffer.alloc(4.5 * 1024 * 1024, 0xff));
    assert.equal(over.status, 413);
    assert.equal(seen.length, 1);
  });

  it("repeated headers and query parameters are joined by commas; path and query arrive as sent; the time as Lambda writes it", async () => {
    seen.length = 0;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () =>
        socket.end("POST /acme/./x?a=1&a=2&q='v' HTTP/1.1\r\nHost: h.test\r\nX-Dup: v1\r\nX-Dup: v2\r\nAuthorization: a1\r\nAuthorization: a2\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
      );
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.1 201 /);
    const event = seen[0]!;
    assert.deepEqual([event.headers["x-dup"], event.headers.authorization], ["v1,v2", "a1,a2"]);
    assert.deepEqual([event.rawPath, event.rawQueryString, event.requestContext.http.path], ["/acme/./x", "a=1&a=2&q='v'", "/acme/./x"]);
    assert.deepEqual(event.queryStringParameters, { a: "1,2", q: "'v'" });
    assert.match(event.requestContext.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it("the handler's status, headers and body are the response; the event carries path, query and method", async () => {
    seen.length = 0;
    const response = await post(`${server.url("acme")}/sub?x=1`, Buffer.from("abc"), { "content-type": "text/plain" });
    assert.deepEqual([response.status, response.headers["x-from"], response.body], [201, "handler", "got 3"]);
    assert.deepEqual([seen[0]!.rawPath, seen[0]!.rawQueryString, seen[0]!.requestContext.http.method, seen[0]!.body], ["/acme/sub", "x=1", "POST", "abc"]);
  });

  // A function URL's event names the domain the request was sent to (requestContext.domainName), which a signature
  // over the URL (Twilio's) depends on. https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
  it("the event's domain is the request's Host header, and 127.0.0.1:<port> for a request without one (HTTP/1.0)", async () => {
    seen.length = 0;
    const response = await post(server.url("acme"), Buffer.from("{}"), { host: "hooks.example.test:8443" });
    assert.equal(response.status, 201);
    assert.deepEqual([seen[0]!.requestContext.domainName, seen[0]!.headers.host], ["hooks.example.test:8443", "hooks.example.test:8443"]);

    seen.length = 0;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.end("POST /acme HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}"));
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.1 201 /);
    assert.equal(seen[0]!.requestContext.domainName, `127.0.0.1:${server.port}`);
  });

  it("a handler response that fails once its status line is written ends the connection; it is not answered twice", async () => {
    const broken = await startFunctionUrlServer(
      // A body that is not a string makes response.end throw after writeHead.
      new Map([["acme", { reservedConcurrency: 1, handler: async () => ({ statusCode: 200, headers: {}, body: 42 as unknown as string }) }]]),
      0,
    );
    try {
      const outcome = await new Promise<string>((resolve) => {
        request(broken.url("acme"), { method: "POST" }, (res) => {
          res.on("data", () => undefined);
          res.on("end", () => resolve(`answered ${res.statusCode}`));
          res.on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
        }).on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message)).end("{}");
      });
      assert.equal(outcome, "ECONNRESET");
    } finally {
      await broken.close();
    }
  });

  it("an extra route (the local status pages) answers before the tenant paths; a request it declines reaches the tenant", async () => {
    const routed = await startFunctionUrlServer(
      new Map([["acme", { reservedConcurrency: 1, handler: async () => ({ statusCode: 202, headers: {}, body: "tenant" }) }]]),
      0,
      async (request, response) => {
        if (!request.url?.startsWith("/status")) return false;
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("status");
        return true;
      },
    );
    try {
      const status = await post(`http://127.0.0.1:${routed.port}/status`, Buffer.alloc(0));
      const tenant = await post(routed.url("acme"), Buffer.from("{}"));
      assert.deepEqual([[status.status, status.body], [tenant.status, tenant.body]], [[200, "status"], [202, "tenant"]]);
    } finally {
      await routed.close();
    }
  });
});
