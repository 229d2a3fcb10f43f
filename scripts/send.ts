// npm run send -- --tenant <id> [--count N] [--rate R] [--concurrency C] [--stack <name>] [--url URL]
//                 [--secret S] [--bad signature|stale|oversized|method|missing-header]
// Signs each webhook with the tenant's scheme exactly as its provider would and posts it; prints status codes
// and latency percentiles at the end. Only ever posts to the URL given (default: the local pipeline).
import { randomUUID, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { loadStackFile, type TenantConfig } from "../components/config";
import { isSchemeName } from "../handlers/core/verify/types";
import { localSigningKey } from "../local/secretsFile";
import { descriptionFor, signRequest, signingKeyFrom } from "../local/sign";
import { percentile } from "./lib/stats";

export const BAD_KINDS = ["signature", "stale", "oversized", "method", "missing-header"] as const;
export type BadKind = (typeof BAD_KINDS)[number];

export interface SendOptions {
  readonly tenant: TenantConfig;
  readonly url: string;
  readonly secret: string;
  /** Asymmetric schemes: the sender's private key. */
  readonly signingKey?: KeyObject;
  readonly count: number;
  /** Requests per second at most; 0 = as fast as concurrency allows. */
  readonly rate: number;
  readonly concurrency: number;
  readonly bad?: BadKind;
  readonly onProgress?: (done: number) => void;
}

export interface SendReport {
  readonly statuses: Record<string, number>;
  readonly latenciesMs: number[];
}

/** The value with its last character changed (a signature that no longer matches, in the same shape). */
function flipLast(value: string): string {
  const last = value.at(-1)!;
  return value.slice(0, -1) + (last === "A" ? "B" : last === "0" ? "1" : last === "a" ? "b" : "A");
}

export function sampleBody(tenant: TenantConfig, n: number): { body: Buffer; contentType: string } {
  const id = `evt_${randomUUID().replace(/-/g, "")}`;
  if (tenant.scheme === "twilio") {
    return { body: Buffer.from(new URLSearchParams({ MessageSid: `SM${id.slice(4, 36)}`, Body: `hello ${n}`, From: "+15551230000" }).toString()), contentType: "application/x-www-form-urlencoded" };
  }
  const payload =
    tenant.scheme === "slack"
      ? { type: "event_callback", event_id: `Ev${id.slice(4)}`, event: { type: "message", text: `hello ${n}` } }
      : isSchemeName(tenant.scheme)
        ? { id, type: "test.event", created: Math.floor(Date.now() / 1000), data: { n } }
        : // Presets and custom descriptions: the ids and timestamp fields their providers put in the body.
          { id, event_id: id, event: { id }, type: 2, webhookTimestamp: Date.now(), created: Math.floor(Date.now() / 1000), data: { n } };
  return { body: Buffer.from(JSON.stringify(payload)), contentType: "application/json" };
}

async function sendOne(options: SendOptions, n: number): Promise<{ status: string; ms: number }> {
  const sample = sampleBody(options.tenant, n);
  let body = sample.body;
  if (options.bad === "oversized") body = Buffer.concat([body, Buffer.alloc(options.tenant.maxBodyBytes + 1 - body.length, 0x20)]);
  const skew = options.bad === "stale" ? -(options.tenant.toleranceSeconds + 60) : 0;
  const signed = signRequest({
    scheme: options.tenant.scheme, secret: options.secret, body, nowSeconds: Math.floor(Date.now() / 1000) + skew, url: options.url,
    hmac: options.tenant.hmac, contentType: sample.contentType, deliveryId: randomUUID(),
    custom: options.tenant.custom, presetSettings: options.tenant.presetSettings, signingKey: options.signingKey,
  });
  if (signed.body) body = signed.body;
  const headers = { ...signed.headers };
  if (isSchemeName(options.tenant.scheme)) {
    if (options.bad === "signature") body = Buffer.concat([body, Buffer.from(" ")]);
    if (options.bad === "missing-header") {
      for (const name of Object.keys(headers)) if (/signature|hmac/.test(name)) delete headers[name];
    }
  } else if (options.bad === "signature" || options.bad === "missing-header") {
    // Declarative schemes may not sign the body (GitLab's token, Mailgun's timestamp + token): break or drop the
    // signature itself, wherever the description says it travels.
    const spec = descriptionFor(options.tenant.scheme, options.tenant.custom, options.tenant.presetSettings).signature;
    if (spec.json !== undefined) {
      const event = JSON.parse(body.toString("utf8")) as { signature: Record<string, string> };
      if (options.bad === "missing-header") delete (event as { signature?: unknown }).signature;
      else event.signature.signature = flipLast(event.signature.signature!);
      body = Buffer.from(JSON.stringify(event));
    } else if (options.bad === "missing-header") delete headers[spec.header.toLowerCase()];
    else headers[spec.header.toLowerCase()] = flipLast(headers[spec.header.toLowerCase()]!);
  }
  const start = performance.now();
  try {
    const response = await fetch(signed.url, { method: options.bad === "method" ? "PUT" : "POST", headers, body });
    await response.arrayBuffer();
    return { status: String(response.status), ms: performance.now() - start };
  } catch (error) {
    return { status: `error:${(error as Error).cause ? ((error as Error).cause as { code?: string }).code ?? "fetch" : "fetch"}`, ms: performance.now() - start };
  }
}

export async function sendWebhooks(options: SendOptions): Promise<SendReport> {
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= options.count) return;
      if (options.rate > 0) {
        const due = started + (n * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const result = await sendOne(options, n);
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      latenciesMs.push(result.ms);
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.count)) }, worker));
  return { statuses, latenciesMs };
}

function usage(message: string): never {
  process.stderr.write(`send: ${message}\nusage: npm run send -- --tenant <id> [--count N] [--rate R] [--concurrency C] [--stack <name>] [--url URL] [--secret S] [--bad ${BAD_KINDS.join("|")}]\n`);
  process.exit(2);
}

async function main(argv: string[]) {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    if (!key.startsWith("--") || argv[i + 1] === undefined) usage(`bad argument ${key}`);
    args[key.slice(2)] = argv[i + 1]!;
  }
  for (const key of Object.keys(args)) if (!["tenant", "count", "rate", "concurrency", "stack", "url", "secret", "bad"].includes(key)) usage(`unknown option --${key}`);
  if (!args.tenant) usage("--tenant is required");
  const config = loadStackFile(args.stack ?? "dev");
  const tenant = config.tenants.find((t) => t.id === args.tenant) ?? usage(`stack ${config.stack} has no tenant '${args.tenant}' (has: ${config.tenants.map((t) => t.id).join(", ")})`);
  if (args.bad !== undefined && !(BAD_KINDS as readonly string[]).includes(args.bad)) usage(`--bad must be one of ${BAD_KINDS.join(", ")}`);
  let secret = args.secret;
  if (!secret) {
    const file = path.resolve(__dirname, "..", ".local", "secrets.json");
    try {
      secret = (JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>)[tenant.id]?.[0];
    } catch {
      /* reported below */
    }
    if (!secret) usage(`no --secret given and no secret for '${tenant.id}' in .local/secrets.json`);
  }
  // Asymmetric schemes sign with the provider's private key, which npm start keeps beside the secrets it made.
  const pkcs8 = localSigningKey(path.resolve(__dirname, "..", ".local", "secrets.json"), tenant.id);
  const signingKey = pkcs8 ? signingKeyFrom(pkcs8) : undefined;
  const number = (key: string, fallback: number) => {
    const value = args[key] === undefined ? fallback : Number(args[key]);
    if (!Number.isFinite(value) || value < 0) usage(`--${key} must be a non-negative number`);
    return value;
  };
  const count = number("count", 10);
  const bar = (done: number) => {
    if (!process.stderr.isTTY) return;
    const width = 30;
    const filled = Math.round((done / count) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${count}`);
  };
  const report = await sendWebhooks({
    tenant, url: args.url ?? `http://127.0.0.1:8787/${tenant.id}`, secret: secret!, signingKey, count, rate: number("rate", 0), concurrency: number("concurrency", 4),
    bad: args.bad as BadKind | undefined, onProgress: bar,
  });
  if (process.stderr.isTTY) process.stderr.write("\n");
  console.log(`tenant ${tenant.id} (${tenant.scheme}): ${count} request(s)${args.bad ? `, deliberately bad: ${args.bad}` : ""}`);
  for (const [status, n] of Object.entries(report.statuses).sort()) console.log(`  ${status}: ${n}`);
  const l = report.latenciesMs;
  console.log(`latency ms: p50 ${percentile(l, 50).toFixed(1)}  p95 ${percentile(l, 95).toFixed(1)}  p99 ${percentile(l, 99).toFixed(1)}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`send: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
