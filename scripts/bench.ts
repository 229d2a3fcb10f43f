// npm run bench [-- --json] [--rounds N] [--body dense|text] [--no-peers] [--no-cold] [--tsx] [--scheme <name>]
//
// Per scheme and body size (1 KiB, 16 KiB, 256 KiB): ns per verification (finding the event id included) and per
// whole ingest decision (evaluateIngest: decode, verify, envelope), each as a ratio to the floor, raw
// createHmac("sha256") + timingSafeEqual over the same body; the official libraries the same way; then cold start
// (bundle sizes, init time in a fresh process) against a bundle of just the SDK clients ingest uses, and the
// Kinesis chunker. Figures only, no pass/fail.
//
// Method, for a shared and noisy machine: every operation is run in batches of about 2 ms, all operations of
// one size interleaved in a rotating order within each round, after warm-up rounds; a ratio is taken per round
// against the floor measured in the same round (before and after), and the median over rounds is reported.
//
// The measured code is handlers/core as Lambda runs it: bundled with the handlers' own esbuild options
// (shippedHotPath). Loaded through tsx instead, the same source runs up to 3x slower where small helpers are
// called in loops (the JSON scan), because tsx keeps function names with a wrapper that stops V8 inlining them;
// `--tsx` measures that way, for comparison.
//
// Bodies: `dense` (default) is provider-shaped JSON (nested objects, short strings: the worst case for the
// top-level scan and for JSON escaping); `text` is one large string member (the best case). Slack's body is its
// event wrapper (type and event_id after the event), also measured with event_id first (the scan's worst case).
import { execFileSync } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { buildSync } from "esbuild";
import { BUNDLE_OPTIONS, bundleHandler } from "../components/bundle";
import { chunkEntries, kinesisEntryOf } from "../handlers/core/analytics";
import * as sourceIngest from "../handlers/core/ingest";
import * as sourceRegistry from "../handlers/core/verify/registry";
import { SCHEMES, type SchemeName } from "../handlers/core/verify/types";
import { functionUrlEvent } from "../local/events";
import { newSecret, signRequest } from "../local/sign";
import { ensurePeers, loadPeers, type Peer } from "./lib/peers";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const JSON_OUT = flag("--json");
const ROUNDS = Number(option("--rounds", "15"));
const WARMUP = 3;
/** Milliseconds each operation runs before its batch size is set and the rounds begin. */
const WARM_MS = 250;
const BODY_SHAPE = option("--body", "dense") as "dense" | "text";
const SIZES = [1024, 16 * 1024, 256 * 1024];
const BATCH_MS = 2;
/** Progress goes to stderr when stdout carries JSON (--json, or a --scheme process reporting to its parent). */
const log = (line: string) => (JSON_OUT || option("--scheme", "") !== "" ? process.stderr.write(`${line}\n`) : console.log(line));
const hmacOptions = { header: "x-signature", encoding: "hex" as const, prefix: "sha256=" };
const ROOT = path.resolve(__dirname, "..");

/** Slack's event wrapper around the event, in Slack's order (https://docs.slack.dev/reference/objects/event-object). */
const SLACK_HEAD = '{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":';
const SLACK_TAIL =
  ',"type":"event_callback","authorizations":[{"enterprise_id":null,"team_id":"T123ABC456","user_id":"U123ABC456","is_bot":false,"is_enterprise_install":false}],"event_id":"Ev0BENCH0001","event_time":1700000000,"is_ext_shared_channel":false}';

/**
 * A JSON object body of exactly `size` bytes. `ids-first` (every scheme but Slack): the ids Stripe and Slack carry
 * at its top level come first, then the data (Stripe writes its `id` first). `slack`: Slack's wrapper, whose
 * `type` and `event_id` follow the nested event holding the data.
 */
export function benchBody(size: number, shape: "dense" | "text", layout: "ids-first" | "slack" = "ids-first"): Buffer {
  const head = '{"id":"evt_1BenchStripeEvent0001","object":"event","type":"event_callback","event_id":"Ev0BENCH0001","data":';
  const wrap = (data: string, pad: number) =>
    layout === "slack" ? `${SLACK_HEAD}{"type":"message","data":${data},"pad":"${" ".repeat(pad)}"}${SLACK_TAIL}` : `${head}${data},"pad":"${" ".repeat(pad)}"}`;
  let data = '{"text":""}';
  if (shape === "text") {
    data = `{"text":"${"x".repeat(Math.max(0, size - wrap(data, 0).length))}"}`;
  } else {
    const items: string[] = [];
    for (let i = 0; ; i++) {
      const item = JSON.stringify({ id: `ch_${i}abcdefgh`, object: "charge", amount: i * 100, currency: "usd", description: `Order #${i} for "customer" \\ ${i}`, metadata: { order: String(i), tags: ["a", "b"] }, paid: true, refunded: false, url: `https://api.example.com/v1/charges/ch_${i}` });
      const next = `{"object":{"items":[${[...items, item].join(",")}]}}`;
      if (wrap(next, 0).length > size) break;
      items.push(item);
      data = next;
    }
  }
  const text = wrap(data, Math.max(0, size - wrap(data, 0).length));
  JSON.parse(text);
  return Buffer.from(text);
}

interface Op {
  readonly key: string;
  readonly run: () => unknown;
  readonly async: boolean;
}

async function timeBatch(op: Op, iterations: number): Promise<number> {
  const start = performance.now();
  if (op.async) for (let i = 0; i < iterations; i++) await op.run();
  else for (let i = 0; i < iterations; i++) op.run();
  return ((performance.now() - start) * 1e6) / iterations;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Figure {
  readonly nsPerOp: number;
  readonly ratio: number;
}

/** Interleaved rounds over one size's operations; the floor is measured before and after each round. */
async function measure(floor: Op, ops: readonly Op[]): Promise<{ floorNs: number; figures: Map<string, Figure> }> {
  // Iterations per batch from a timing of each op after it ran for WARM_MS, so the JIT has settled on its code
  // (each scheme runs in a fresh process: nothing else has warmed the path).
  const iterations = new Map<string, number>();
  for (const op of [floor, ...ops]) {
    let ns = await timeBatch(op, 20);
    for (const until = performance.now() + WARM_MS; performance.now() < until; ) ns = await timeBatch(op, Math.max(5, Math.round((BATCH_MS * 1e6) / Math.max(ns, 1))));
    iterations.set(op.key, Math.max(5, Math.round((BATCH_MS * 1e6) / Math.max(ns, 1))));
  }
  const samples = new Map<string, { ns: number[]; ratio: number[] }>(ops.map((op) => [op.key, { ns: [], ratio: [] }]));
  const floorNs: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const before = await timeBatch(floor, iterations.get(floor.key)!);
    const rotated = ops.map((_, i) => ops[(i + round) % ops.length]!);
    const ns = new Map<string, number>();
    for (const op of rotated) ns.set(op.key, await timeBatch(op, iterations.get(op.key)!));
    const after = await timeBatch(floor, iterations.get(floor.key)!);
    if (round < WARMUP) continue;
    const base = (before + after) / 2;
    floorNs.push(base);
    for (const [key, value] of ns) {
      samples.get(key)!.ns.push(value);
      samples.get(key)!.ratio.push(value / base);
    }
  }
  const figures = new Map<string, Figure>();
  for (const [key, s] of samples) figures.set(key, { nsPerOp: median(s.ns), ratio: median(s.ratio) });
  return { floorNs: median(floorNs), figures };
}

interface Row {
  readonly label: string;
  readonly kind: "verify" | "ingest" | "peer";
  readonly scheme: string;
  readonly sizes: Record<string, Figure | { error: string }>;
}

interface HotPath {
  readonly evaluateIngest: typeof sourceIngest.evaluateIngest;
  readonly createVerifier: typeof sourceRegistry.createVerifier;
}

/** evaluateIngest and the verifiers as the ingest bundle holds them (BUNDLE_OPTIONS: minified ESM, no kept names). */
async function shippedHotPath(): Promise<HotPath> {
  const built = buildSync({
    stdin: {
      contents: 'export { evaluateIngest } from "./handlers/core/ingest"; export { createVerifier } from "./handlers/core/verify/registry";',
      resolveDir: ROOT,
      loader: "ts",
    },
    ...BUNDLE_OPTIONS,
  });
  const dir = mkdtempSync(path.join(tmpdir(), "webhooks-bench-hot-"));
  try {
    const file = path.join(dir, "hot.mjs");
    writeFileSync(file, built.outputFiles[0]!.text);
    return (await import(pathToFileURL(file).href)) as HotPath;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One scheme's rows (and the floor beside them), measured in this process. */
async function hotPath(peers: Peer[], schemes: readonly SchemeName[]): Promise<{ floor: Record<string, number>; rows: Row[] }> {
  const { evaluateIngest, createVerifier }: HotPath = flag("--tsx") ? { evaluateIngest: sourceIngest.evaluateIngest, createVerifier: sourceRegistry.createVerifier } : await shippedHotPath();
  const rows = new Map<string, Row>();
  const floor: Record<string, number> = {};
  const row = (label: string, kind: Row["kind"], scheme: string) => {
    if (!rows.has(label)) rows.set(label, { label, kind, scheme, sizes: {} });
    return rows.get(label)!;
  };
  for (const size of SIZES) {
    const idsFirst = benchBody(size, BODY_SHAPE);
    const nowMs = Date.now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const floorKey = Buffer.alloc(32, 7);
    const floorExpected = createHmac("sha256", floorKey).update(idsFirst).digest();
    const floorOp: Op = { key: "floor", async: false, run: () => timingSafeEqual(createHmac("sha256", floorKey).update(idsFirst).digest(), floorExpected) };
    const ops: Op[] = [];
    for (const scheme of schemes) {
      // Each provider's own layout (the floor's HMAC costs the same over any bytes of the size).
      const body = scheme === "slack" ? benchBody(size, BODY_SHAPE, "slack") : idsFirst;
      const text = body.toString("utf8");
      const secret = newSecret(scheme, (n) => Buffer.alloc(n, 9));
      const signed = signRequest({ scheme, secret, body, nowSeconds, url: "https://x.lambda-url.eu-west-1.on.aws/", hmac: hmacOptions, contentType: "application/json" });
      // Through JSON, as the Lambda runtime hands the event over (it parses the invoke payload): flat strings, not
      // the concatenations the signing helper built, which V8 reads more slowly.
      const event = JSON.parse(JSON.stringify(functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body }, nowMs))) as ReturnType<typeof functionUrlEvent>;
      const verifier = createVerifier({ scheme, toleranceSeconds: 300, hmac: hmacOptions });
      const keys = verifier.prepare([secret]);
      const headers = event.headers as Record<string, string>;
      const verifyRequest = { headers, body, url: signed.url, nowSeconds };
      const check = verifier.verify(verifyRequest, keys);
      if (!check.ok) throw new Error(`${scheme}: the bench request does not verify: ${check.message}`);
      ops.push({ key: `verify ${scheme}`, async: false, run: () => verifier.verify(verifyRequest, keys) });
      if (scheme === "slack") {
        // The same verification when the body puts event_id before the event (Slack does not): the backward scan
        // then delimits the whole event, as a forward scan of the whole body would.
        const reordered = signRequest({ scheme, secret, body: idsFirst, nowSeconds, url: signed.url });
        const reorderedRequest = { headers: reordered.headers, body: idsFirst, url: signed.url, nowSeconds };
        if (!verifier.verify(reorderedRequest, keys).ok) throw new Error("slack: the reordered bench request does not verify");
        ops.push({ key: "verify slack (event_id before the event)", async: false, run: () => verifier.verify(reorderedRequest, keys) });
        row(`verify ${scheme}`, "verify", scheme);
        row("verify slack (event_id before the event)", "verify", scheme);
      }
      const request = { method: "POST", headers, body: event.body, isBase64Encoded: event.isBase64Encoded, url: signed.url };
      // As deployed: every stack has a bodies bucket, so a body over INLINE_BODY_MAX_BYTES (8 KiB) is hashed for
      // its S3 pointer and the message carries the pointer (the PutObject itself is I/O, not measured here).
      const settings = { tenant: "bench", scheme: scheme as SchemeName, maxBodyBytes: 300 * 1024, bodyBucket: "webhooks-bench-bodies" };
      const outcome = evaluateIngest(request, settings, verifier, keys, nowMs);
      if (outcome.kind !== "accepted") throw new Error(`${scheme}: ${JSON.stringify(outcome)}`);
      ops.push({ key: `ingest ${scheme}`, async: false, run: () => evaluateIngest(request, settings, verifier, keys, nowMs) });
      row(`verify ${scheme}`, "verify", scheme);
      row(`ingest ${scheme} (evaluateIngest + envelope)`, "ingest", scheme);
      for (const peer of peers.filter((p) => p.scheme === scheme)) {
        const label = `peer ${peer.name}`;
        row(label, "peer", scheme);
        try {
          const run = peer.make({ body, text, headers, secret });
          await run();
          ops.push({ key: label, async: peer.async, run });
        } catch (error) {
          (row(label, "peer", scheme).sizes as Record<string, unknown>)[String(size)] = { error: String((error as Error).message).slice(0, 80) };
        }
      }
    }
    log(`measuring ${schemes.join(", ")} at ${size / 1024} KiB (${ops.length} operations, ${ROUNDS} rounds after ${WARMUP} warm-up)...`);
    const { floorNs, figures } = await measure(floorOp, ops);
    floor[String(size)] = floorNs;
    for (const [key, figure] of figures) {
      const label = key.startsWith("ingest ") ? `${key} (evaluateIngest + envelope)` : key;
      (rows.get(label)!.sizes as Record<string, Figure>)[String(size)] = figure;
    }
  }
  return { floor, rows: [...rows.values()] };
}

interface ColdStart {
  readonly ingestBundleBytes: number;
  readonly sdkBundleBytes: number;
  readonly ingestInitMs: number;
  readonly sdkInitMs: number;
  readonly runs: number;
}

/** Import time of a bundle in a fresh process (node start excluded), as the median of interleaved runs. */
function coldStart(runs = 9): ColdStart {
  const dir = mkdtempSync(path.join(tmpdir(), "webhooks-bench-"));
  try {
    const ingest = bundleHandler("ingest").code;
    // The SDK clients ingest constructs at init (SQS, Secrets Manager, and S3 for bodies over the inline threshold)
    // and the commands it sends, bundled with the same options as the handlers.
    const sdk = buildSync({
      stdin: {
        contents: [
          'import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";',
          'import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";',
          'import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";',
          "export const clients = [new SQSClient({}), new SecretsManagerClient({}), new S3Client({})];",
          "export const commands = [SendMessageCommand, GetSecretValueCommand, PutObjectCommand];",
        ].join("\n"),
        resolveDir: ROOT,
        loader: "ts",
      },
      ...BUNDLE_OPTIONS,
    }).outputFiles[0]!.text;
    const files = { ingest: path.join(dir, "ingest.mjs"), sdk: path.join(dir, "sdk.mjs") };
    writeFileSync(files.ingest, ingest);
    writeFileSync(files.sdk, sdk);
    const env = {
      ...process.env,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      TENANT_ID: "bench",
      SCHEME: "github",
      QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/bench",
      SECRET_ID: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench",
    };
    const time = (file: string) => {
      const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now() - t));`;
      return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" }));
    };
    const samples = { ingest: [] as number[], sdk: [] as number[] };
    time(files.ingest);
    time(files.sdk);
    for (let i = 0; i < runs; i++) {
      samples.ingest.push(time(files.ingest));
      samples.sdk.push(time(files.sdk));
    }
    return { ingestBundleBytes: Buffer.byteLength(ingest), sdkBundleBytes: Buffer.byteLength(sdk), ingestInitMs: median(samples.ingest), sdkInitMs: median(samples.sdk), runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function chunker(): { records: number; calls: number; ms: number } {
  const records = Array.from({ length: 1000 }, (_, i) =>
    kinesisEntryOf({ tenant: "bench", eventId: `e${i}`, receivedAt: new Date().toISOString(), scheme: "github", size: 4096, payloadEncoding: "utf8", payload: "y".repeat(4096) }, i),
  );
  const start = performance.now();
  const calls = chunkEntries(records).length;
  return { records: records.length, calls, ms: performance.now() - start };
}

/**
 * Every scheme in a process of its own, as in Lambda, where a function serves one tenant and its code only ever
 * sees one scheme: measured in one process beside the other six, every call site on the path turns polymorphic
 * and a verification costs up to ~1.5x more (Stripe's ~1.3x the floor alone, ~2x beside the others). The floor
 * row is the median of the processes' floors; each ratio is against its own process's floor.
 */
function hotPathPerScheme(withPeers: boolean): { floor: Record<string, number>; rows: Row[] } {
  const passed = ["--rounds", String(ROUNDS), "--body", BODY_SHAPE, ...(flag("--tsx") ? ["--tsx"] : []), ...(withPeers ? [] : ["--no-peers"])];
  const results = SCHEMES.map((scheme) => {
    log(`${scheme}: in its own process...`);
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--scheme", scheme, ...passed], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(out) as { floor: Record<string, number>; rows: Row[] };
  });
  const floor = Object.fromEntries(SIZES.map((size) => [String(size), median(results.map((result) => result.floor[String(size)]!))]));
  return { floor, rows: results.flatMap((result) => result.rows) };
}

async function main() {
  const only = option("--scheme", "");
  if (only !== "") {
    // One scheme's measurement, asked for by hotPathPerScheme (or by hand): JSON on stdout, progress on stderr.
    if (!(SCHEMES as readonly string[]).includes(only)) throw new Error(`--scheme: one of ${SCHEMES.join(", ")}`);
    const peers = flag("--no-peers") ? [] : (await loadPeers()).filter((peer) => peer.scheme === only);
    console.log(JSON.stringify(await hotPath(peers, [only as SchemeName])));
    return;
  }
  const withPeers = !flag("--no-peers") && ensurePeers(log);
  const { floor, rows } = hotPathPerScheme(withPeers);
  const cold = flag("--no-cold") ? undefined : coldStart();
  const chunks = chunker();
  if (JSON_OUT) {
    console.log(JSON.stringify({ node: process.version, body: BODY_SHAPE, rounds: ROUNDS, floorNs: floor, rows, coldStart: cold, kinesisChunking: chunks }, null, 2));
    return;
  }
  const cell = (f: Figure | { error: string } | undefined) =>
    f === undefined ? "-".padStart(19) : "error" in f ? "rejects".padStart(19) : `${Math.round(f.nsPerOp).toString().padStart(9)} ${f.ratio.toFixed(2).padStart(6)}x`.padStart(19);
  console.log(`\nns/op and ratio to the floor (createHmac sha256 + timingSafeEqual over the same body), ${BODY_SHAPE} JSON body, median of ${ROUNDS} interleaved rounds, Node ${process.version}`);
  console.log(`${"".padEnd(58)}${SIZES.map((s) => `${s / 1024} KiB`.padStart(19)).join("")}`);
  console.log(`${"floor".padEnd(58)}${SIZES.map((s) => `${Math.round(floor[String(s)]!).toString().padStart(9)}  1.00x`.padStart(19)).join("")}`);
  for (const r of rows) console.log(`${r.label.slice(0, 57).padEnd(58)}${SIZES.map((s) => cell(r.sizes[String(s)])).join("")}`);
  console.log("goals: verify <= 1.25x at 1 KiB and <= 1.1x at 16/256 KiB; ingest <= 1.5x at every size");
  if (cold) {
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`\ncold start (import of the bundle in a fresh node process, median of ${cold.runs} interleaved runs)`);
    console.log(`  ingest bundle              ${kib(cold.ingestBundleBytes).padStart(9)}  init ${cold.ingestInitMs.toFixed(1).padStart(6)} ms`);
    console.log(`  SDK clients (SQS, SM, S3) ${kib(cold.sdkBundleBytes).padStart(9)}  init ${cold.sdkInitMs.toFixed(1).padStart(6)} ms`);
    console.log(`  project code + logger add  ${`${((cold.ingestBundleBytes / cold.sdkBundleBytes - 1) * 100).toFixed(1)} %`.padStart(9)}       ${`${((cold.ingestInitMs / cold.sdkInitMs - 1) * 100).toFixed(1)} %`.padStart(9)}   (goal <= 15 % each)`);
  }
  console.log(`\nkinesis chunking: ${chunks.records} records of ~4 KiB -> ${chunks.calls} calls in ${chunks.ms.toFixed(2)} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
