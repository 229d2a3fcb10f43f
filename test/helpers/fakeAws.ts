// A loopback HTTP server that answers AWS JSON-protocol calls with scripted responses, so the real SDK clients
// parse errors and partial failures exactly as AWS sends them on the wire.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";

export interface Scripted {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

export interface RecordedCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

export class FakeAws {
  readonly calls: RecordedCall[] = [];
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(respond: (call: RecordedCall, index: number) => Scripted): Promise<FakeAws> {
    let fake: FakeAws | undefined;
    const server = createServer(async (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const call = { target: String(request.headers["x-amz-target"] ?? ""), body: JSON.parse(Buffer.concat(chunks).toString() || "{}") };
      fake!.calls.push(call);
      const scripted = respond(call, fake!.calls.length - 1);
      response.writeHead(scripted.status, { "content-type": scripted.contentType ?? "application/x-amz-json-1.1" });
      response.end(JSON.stringify(scripted.body));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    fake = new FakeAws(server, `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    return fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
