// npm run bench: the ingest hot path (decode, verify, envelope) per scheme for a 256 KiB body, and the
// analytics chunker. Prints figures; nothing here is a pass/fail test.
import { performance } from "node:perf_hooks";
import { encodeEnvelope } from "../handlers/core/envelope";
import { evaluateIngest } from "../handlers/core/ingest";
import { createVerifier } from "../handlers/core/verify/registry";
import { SCHEMES } from "../handlers/core/verify/types";
import { chunkEntries, kinesisEntryOf } from "../handlers/core/analytics";
import { functionUrlEvent } from "../local/events";
import { newSecret, signRequest } from "../local/sign";
import { percentile } from "./lib/stats";

const BODY_BYTES = 256 * 1024;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const hmac = { header: "x-signature", encoding: "hex" as const, prefix: "sha256=" };

console.log(`ingest hot path, ${BODY_BYTES / 1024} KiB JSON body, ${ITERATIONS} iterations (ms per request)`);
console.log("scheme              p50     p95     p99   heap delta MiB");
const body = Buffer.from(JSON.stringify({ id: "evt_bench", data: "x".repeat(BODY_BYTES - 40) }).slice(0, BODY_BYTES));
for (const scheme of SCHEMES) {
  const secret = newSecret(scheme, (n) => Buffer.alloc(n, 9));
  const nowMs = Date.now();
  const contentType = "application/json";
  const signed = signRequest({ scheme, secret, body, nowSeconds: Math.floor(nowMs / 1000), url: "https://x.lambda-url.eu-west-1.on.aws/", hmac, contentType });
  const event = functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body }, nowMs);
  const verifier = createVerifier({ scheme, toleranceSeconds: 300, hmac });
  const keys = verifier.prepare([secret]);
  const request = { method: "POST", headers: event.headers as Record<string, string>, body: event.body, isBase64Encoded: event.isBase64Encoded, url: signed.url };
  const settings = { tenant: "bench", scheme, maxBodyBytes: BODY_BYTES };
  const timings: number[] = [];
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    const outcome = evaluateIngest(request, settings, verifier, keys, nowMs);
    if (outcome.kind !== "accepted") throw new Error(`${scheme}: ${JSON.stringify(outcome)}`);
    encodeEnvelope(outcome.envelope);
    timings.push(performance.now() - start);
  }
  const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(`${scheme.padEnd(18)} ${percentile(timings, 50).toFixed(2).padStart(6)}  ${percentile(timings, 95).toFixed(2).padStart(6)}  ${percentile(timings, 99).toFixed(2).padStart(6)}   ${heapDelta.toFixed(1).padStart(6)}`);
}

const records = Array.from({ length: 1000 }, (_, i) =>
  kinesisEntryOf({ tenant: "bench", eventId: `e${i}`, receivedAt: new Date().toISOString(), scheme: "github", size: 4096, payloadEncoding: "utf8", payload: "y".repeat(4096) }, i),
);
const start = performance.now();
const chunks = chunkEntries(records);
console.log(`\nkinesis chunking: 1000 records of ~4 KiB -> ${chunks.length} calls in ${(performance.now() - start).toFixed(2)} ms`);
