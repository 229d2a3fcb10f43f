// npm run bench:worst: the most expensive request we can construct per scheme, at the largest body a tenant may
// configure (MAX_BODY_BYTES_LIMIT) and with two active secrets (a rotation), timed through the whole ingest
// decision (decode, verify, find the event id, encode the envelope). Each case is built to defeat the caps:
// the most signature entries allowed, the matching key last (or none), the most form parameters, bodies that
// are slowest to parse or to encode. Prints ms per request; the max is the bound the README states.
import { generateKeyPairSync, createHmac, sign as signBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { MAX_BODY_BYTES_LIMIT } from "../components/settings";
import { evaluateIngest, type IngestRequest } from "../handlers/core/ingest";
import { createVerifier } from "../handlers/core/verify/registry";
import { SIGNATURE_LIMITS, type SchemeName } from "../handlers/core/verify/types";
import { percentile } from "./lib/stats";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const SIZE = MAX_BODY_BYTES_LIMIT;
const NOW_MS = 1_760_000_000_000;
const TS = String(NOW_MS / 1000);
const URL_BASE = "https://abc.lambda-url.eu-west-1.on.aws/";
const hmacOptions = { header: "x-signature", encoding: "hex" as const, prefix: "sha256=" };
const mac = (algorithm: "sha256" | "sha1", key: string | Buffer, ...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHmac(algorithm, key)).digest();

/** A JSON body of SIZE bytes that is slow to parse: many tiny nested values (the id lookup parses it). */
function slowJson(idField: string): Buffer {
  const head = `{"${idField}":"evt_worst","data":[`;
  let items = "";
  const item = '{"a":[1,{"b":null}]},';
  while (head.length + items.length + item.length + 2 < SIZE) items += item;
  return Buffer.from(`${head}${items.slice(0, -1)}]}`.padEnd(SIZE, " "));
}

interface Case {
  readonly label: string;
  readonly scheme: SchemeName;
  readonly secrets: string[];
  readonly request: IngestRequest;
  readonly expect: "accepted" | "rejected";
}

function request(headers: Record<string, string>, body: Buffer, url = URL_BASE, base64 = true): IngestRequest {
  return { method: "POST", headers, body: body.toString(base64 ? "base64" : "utf8"), isBase64Encoded: base64, url };
}

function cases(): Case[] {
  const out: Case[] = [];
  const nul = Buffer.alloc(SIZE); // valid UTF-8 that must travel as base64
  const hex = (n: number) => Buffer.alloc(32, n).toString("hex");

  // Standard Webhooks v1a: the most distinct entries allowed, none valid, two Ed25519 keys: every entry is an
  // Ed25519 verify over the whole body per key.
  const keys = [generateKeyPairSync("ed25519"), generateKeyPairSync("ed25519")];
  const whpk = keys.map((k) => `whpk_${k.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64")}`);
  const entries = Array.from({ length: SIGNATURE_LIMITS.maxEntries }, (_, i) => `v1a,${Buffer.alloc(64, i + 1).toString("base64")}`).join(" ");
  out.push({ label: `v1a, ${SIGNATURE_LIMITS.maxEntries} bad entries x 2 keys`, scheme: "standard-webhooks", secrets: whpk, expect: "rejected", request: request({ "webhook-id": "msg_1", "webhook-timestamp": TS, "webhook-signature": entries }, nul) });
  const good = signBytes(null, Buffer.concat([Buffer.from(`msg_1.${TS}.`), nul]), keys[1]!.privateKey).toString("base64");
  const lastGood = [...Array.from({ length: SIGNATURE_LIMITS.maxEntries - 1 }, (_, i) => `v1a,${Buffer.alloc(64, i + 1).toString("base64")}`), `v1a,${good}`].join(" ");
  out.push({ label: `v1a, valid entry last of ${SIGNATURE_LIMITS.maxEntries}, 2nd key`, scheme: "standard-webhooks", secrets: whpk, expect: "accepted", request: request({ "webhook-id": "msg_1", "webhook-timestamp": TS, "webhook-signature": lastGood }, nul) });
  const whsec = [`whsec_${Buffer.alloc(32, 1).toString("base64")}`, `whsec_${Buffer.alloc(32, 2).toString("base64")}`];
  const v1 = mac("sha256", Buffer.alloc(32, 2), `msg_1.${TS}.`, nul).toString("base64");
  out.push({ label: "v1, matching the 2nd key", scheme: "standard-webhooks", secrets: whsec, expect: "accepted", request: request({ "webhook-id": "msg_1", "webhook-timestamp": TS, "webhook-signature": `v1,${v1}` }, nul) });

  // Stripe and Slack: the slowest body to find the id in, the matching key last.
  const stripeSecrets = ["whsec_aaaaaaaaaaaaaaaa", "whsec_bbbbbbbbbbbbbbbb"];
  const stripeBody = slowJson("id");
  const stripeSig = mac("sha256", stripeSecrets[1]!, `${TS}.`, stripeBody).toString("hex");
  const stripeHeader = `t=${TS},${Array.from({ length: SIGNATURE_LIMITS.maxEntries - 1 }, (_, i) => `v1=${hex(i)}`).join(",")},v1=${stripeSig}`;
  out.push({ label: "valid last of 5 v1, 2nd key, slowest JSON", scheme: "stripe", secrets: stripeSecrets, expect: "accepted", request: request({ "stripe-signature": stripeHeader }, stripeBody, URL_BASE, false) });
  const slackSecrets = ["slack-secret-one", "slack-secret-two"];
  const slackBody = slowJson("event_id");
  out.push({ label: "2nd key, slowest JSON", scheme: "slack", secrets: slackSecrets, expect: "accepted", request: request({ "x-slack-request-timestamp": TS, "x-slack-signature": `v0=${mac("sha256", slackSecrets[1]!, `v0:${TS}:`, slackBody).toString("hex")}` }, slackBody, URL_BASE, false) });

  // Body-only HMAC schemes: the matching key last, a body that must travel as base64.
  const bodySecrets = ["secret-one-1234", "secret-two-5678"];
  const bodyMac = mac("sha256", bodySecrets[1]!, nul);
  out.push({ label: "2nd key, all-NUL body", scheme: "github", secrets: bodySecrets, expect: "accepted", request: request({ "x-hub-signature-256": `sha256=${bodyMac.toString("hex")}`, "x-github-delivery": "d".repeat(5000) }, nul) });
  out.push({ label: "2nd key, all-NUL body", scheme: "shopify", secrets: bodySecrets, expect: "accepted", request: request({ "x-shopify-hmac-sha256": bodyMac.toString("base64") }, nul) });
  out.push({ label: "2nd key, all-NUL body", scheme: "hmac-sha256", secrets: bodySecrets, expect: "accepted", request: request({ "x-signature": `sha256=${bodyMac.toString("hex")}` }, nul) });

  // Twilio: the most parameters allowed, every value percent-encoded, the URL tried in both port forms, the
  // matching token last; and one parameter too many.
  const tokens = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];
  const per = Math.floor(SIZE / SIGNATURE_LIMITS.maxFormParams) - 8;
  const value = "%41".repeat(Math.floor(per / 3));
  const pairs = Array.from({ length: SIGNATURE_LIMITS.maxFormParams }, (_, i) => `P${String(i).padStart(4, "0")}=${value}`);
  const form = Buffer.from(pairs.join("&"));
  const tail = pairs.map((p) => p.split("=")).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)).map(([n]) => `${n}${"A".repeat(value.length / 3)}`).join("");
  const url = "https://abc.lambda-url.eu-west-1.on.aws:443/";
  out.push({ label: `${SIGNATURE_LIMITS.maxFormParams} params, 2 URL forms x 2nd token`, scheme: "twilio", secrets: tokens, expect: "accepted", request: request({ "x-twilio-signature": mac("sha1", tokens[1]!, "https://abc.lambda-url.eu-west-1.on.aws/", tail).toString("base64") }, form, url, false) });
  const tooMany = Buffer.from(`${"a=1&".repeat(SIGNATURE_LIMITS.maxFormParams)}a=1`.padEnd(SIZE, "1"));
  out.push({ label: `${SIGNATURE_LIMITS.maxFormParams + 1} params (refused)`, scheme: "twilio", secrets: tokens, expect: "rejected", request: request({ "x-twilio-signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" }, tooMany, URL_BASE, false) });
  return out;
}

console.log(`worst-case ingest decision per scheme: ${SIZE}-byte bodies, 2 active secrets, ${ITERATIONS} iterations (ms per request)`);
console.log(`${"scheme".padEnd(18)} ${"case".padEnd(44)} ${"p50".padStart(7)} ${"max".padStart(7)}`);
let worst = 0;
for (const c of cases()) {
  const verifier = createVerifier({ scheme: c.scheme, toleranceSeconds: 300, hmac: hmacOptions });
  const keys = verifier.prepare(c.secrets);
  // As deployed: the stack's bodies bucket takes a body over 8 KiB (hashed for its pointer), so a body at the limit
  // is not refused for its message size.
  const settings = { tenant: "bench", scheme: c.scheme, maxBodyBytes: SIZE, bodyBucket: "webhooks-bench-bodies" };
  const first = evaluateIngest(c.request, settings, verifier, keys, NOW_MS);
  if (first.kind !== c.expect) throw new Error(`${c.scheme} ${c.label}: expected ${c.expect}, got ${JSON.stringify(first).slice(0, 300)}`);
  const timings: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    evaluateIngest(c.request, settings, verifier, keys, NOW_MS);
    timings.push(performance.now() - start);
  }
  const max = Math.max(...timings);
  worst = Math.max(worst, max);
  console.log(`${c.scheme.padEnd(18)} ${c.label.padEnd(44)} ${percentile(timings, 50).toFixed(2).padStart(7)} ${max.toFixed(2).padStart(7)}`);
}
console.log(`\nbound: every request up to ${SIZE} bytes costs at most ${worst.toFixed(1)} ms of CPU here (this machine, one core)`);
