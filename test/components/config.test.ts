import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigValidationError, loadStackFile, parseStackConfig } from "../../components/config";
import { planOf } from "../../scripts/plan";

const base = { scheme: "github", ingestConcurrency: 5, workerConcurrency: 2 };
const parse = (raw: Record<string, unknown>) => parseStackConfig("t", raw);

function rejects(raw: Record<string, unknown>, message: RegExp) {
  assert.throws(() => parse(raw), (error: unknown) => {
    assert.ok(error instanceof ConfigValidationError);
    assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

describe("stack config validation", () => {
  it("both shipped stacks are valid", () => {
    assert.equal(loadStackFile("dev").tenants.length, 2);
    assert.equal(loadStackFile("prod").tenants.length, 12);
  });

  it("defaults fill the optional tenant fields", () => {
    const tenant = parse({ tenants: { acme: base } }).tenants[0]!;
    assert.deepEqual(tenant, { id: "acme", scheme: "github", ingestConcurrency: 5, workerConcurrency: 2, toleranceSeconds: 300, maxBodyBytes: 262144, retentionDays: 7, batchWindowSeconds: 1, hmac: undefined, publicBaseUrl: undefined });
    const stack = parse({ tenants: { acme: base } });
    assert.equal(stack.runbookUrl, undefined, "alarms then link the runbook dashboard");
    assert.equal(stack.secretsMaxStaleSeconds, 3600);
  });

  it("Pulumi's JSON-string values are accepted like YAML objects", () => {
    assert.equal(parse({ tenants: JSON.stringify({ acme: base }), analyticsShards: "2" }).analyticsShards, 2);
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["unknown scheme", { tenants: { acme: { ...base, scheme: "paypal" } } }, /^webhooks:tenants\.acme\.scheme: must be one of .*paypal/],
    ["bad tenant id", { tenants: { "Acme!": base } }, /^webhooks:tenants\.Acme!: tenant id must be/],
    ["tenant id too long", { tenants: { ["a".repeat(33)]: base } }, /tenant id must be 1\.\.32/],
    ["missing hmac settings", { tenants: { acme: { ...base, scheme: "hmac-sha256" } } }, /^webhooks:tenants\.acme\.hmac: is required for scheme hmac-sha256/],
    ["bad hmac encoding", { tenants: { acme: { ...base, scheme: "hmac-sha256", hmac: { header: "X-Sig", encoding: "hexa" } } } }, /tenants\.acme\.hmac\.encoding: must be hex or base64/],
    ["hmac on another scheme", { tenants: { acme: { ...base, hmac: { header: "X", encoding: "hex" } } } }, /tenants\.acme\.hmac: is only for scheme hmac-sha256/],
    ["ingest concurrency 0", { tenants: { acme: { ...base, ingestConcurrency: 0 } } }, /tenants\.acme\.ingestConcurrency: must be an integer in 1\.\./],
    ["negative worker concurrency", { tenants: { acme: { ...base, workerConcurrency: -1 } } }, /tenants\.acme\.workerConcurrency: must be an integer in 2\.\./],
    ["worker concurrency below SQS's minimum", { tenants: { acme: { ...base, workerConcurrency: 1 } } }, /tenants\.acme\.workerConcurrency: .*maximumConcurrency/],
    ["missing concurrency", { tenants: { acme: { scheme: "github", workerConcurrency: 2 } } }, /tenants\.acme\.ingestConcurrency: is required/],
    ["unreserved below 100", { accountConcurrency: 200, tenants: { acme: { ...base, ingestConcurrency: 90 }, beta: base } }, /tenants\.acme: reserved concurrency totals .* Lambda keeps at least 100/],
    ["typo in a tenant field", { tenants: { acme: { ...base, workerConcurency: 2 } } }, /tenants\.acme\.workerConcurency: is not a known setting/],
    ["body limit over a function URL's 6 MB request payload", { tenants: { acme: { ...base, maxBodyBytes: 6_291_457 } } }, /tenants\.acme\.maxBodyBytes: .*6 MB/],
    ["no tenants", { tenants: {} }, /webhooks:tenants: must name at least one tenant/],
    ["bad log retention", { tenants: { acme: base }, logRetentionDays: 10 }, /webhooks:logRetentionDays: must be one of/],
    ["secrets for an unknown tenant", { tenants: { acme: base }, secrets: { other: ["x"] } }, /webhooks:secrets\.other: names no configured tenant/],
    ["bad alarm email", { tenants: { acme: base }, alarmEmail: "oncall" }, /webhooks:alarmEmail: is not an email address/],
    ["a blank secret", { tenants: { acme: base }, secrets: { acme: ["   "] } }, /^webhooks:secrets\.acme\[0\]: is blank \(scheme github\)$/],
    ["a Stripe secret without whsec_", { tenants: { acme: { ...base, scheme: "stripe" } }, secrets: { acme: ["sk_live_abcdefgh"] } }, /^webhooks:secrets\.acme\[0\]: a Stripe endpoint secret starts with whsec_/],
    ["a Twilio token that is not 32 hex", { tenants: { acme: { ...base, scheme: "twilio" } }, secrets: { acme: ["not-a-token"] } }, /^webhooks:secrets\.acme\[0\]: a Twilio Auth Token is 32 hex characters/],
    ["a one-character secret", { tenants: { acme: base }, secrets: { acme: ["a-good-secret", "x"] } }, /^webhooks:secrets\.acme\[1\]: must be at least 8 characters/],
    ["relative runbook URL", { tenants: { acme: base }, runbookUrl: "RUNBOOK.md" }, /^webhooks:runbookUrl: must be an absolute https URL of RUNBOOK\.md, got "RUNBOOK\.md"$/],
    ["http runbook URL", { tenants: { acme: base }, runbookUrl: "http://wiki.example.com/RUNBOOK.md" }, /^webhooks:runbookUrl: must be an https:\/\/ URL/],
    ["runbook URL with a fragment", { tenants: { acme: base }, runbookUrl: "https://wiki.example.com/RUNBOOK.md#top" }, /^webhooks:runbookUrl: must have no query or #fragment/],
    ["stale-key window too long", { tenants: { acme: base }, secretsMaxStaleSeconds: 7 * 86_400 }, /^webhooks:secretsMaxStaleSeconds: must be an integer in 60\.\.86400/],
    ["public URL that is not https", { tenants: { acme: { ...base, publicBaseUrl: "hooks.example.com" } } }, /^webhooks:tenants\.acme\.publicBaseUrl: must be the https URL the provider posts to/],
    [
      "two tenants sharing a secret on a scheme that does not sign the URL",
      { tenants: { acme: base, beta: { ...base, scheme: "shopify" } }, secrets: { acme: ["shared-secret-1"], beta: ["shared-secret-1"] } },
      /^webhooks:secrets\.beta: shares a secret with tenant 'acme': each would accept requests signed for the other/,
    ],
  ];
  for (const [label, raw, message] of cases) it(`rejects: ${label}`, () => rejects(raw, message));

  it("accepts a runbook URL, a stale-key window and a tenant's public URL (trailing slash dropped)", () => {
    const stack = parse({ tenants: { acme: { ...base, publicBaseUrl: "https://hooks.example.com/" } }, runbookUrl: "https://wiki.example.com/webhooks/RUNBOOK.md", secretsMaxStaleSeconds: 600 });
    assert.equal(stack.runbookUrl, "https://wiki.example.com/webhooks/RUNBOOK.md");
    assert.equal(stack.secretsMaxStaleSeconds, 600);
    assert.equal(stack.tenants[0]!.publicBaseUrl, "https://hooks.example.com");
  });

  it("Twilio tenants may share an auth token (it signs the URL, which names the tenant); a shared-secret error never shows the secret", () => {
    const twilio = { ...base, scheme: "twilio" };
    assert.doesNotThrow(() => parse({ tenants: { acme: twilio, beta: twilio }, secrets: { acme: ["0123456789abcdef0123456789abcdef"], beta: ["0123456789abcdef0123456789abcdef"] } }));
    assert.throws(() => parse({ tenants: { acme: base, beta: base }, secrets: { acme: ["very-secret-value"], beta: ["very-secret-value"] } }), (e: Error) => !e.message.includes("very-secret-value"));
  });

  it("never echoes a secret in an error", () => {
    assert.throws(() => parse({ tenants: { acme: base }, secrets: { acme: ["whsec_topsecret", 5] } }), (error: Error) => !error.message.includes("topsecret"));
  });

  it("lists tenants without secrets", () => {
    assert.deepEqual(parse({ tenants: { acme: base, beta: base }, secrets: { acme: ["secret-one"] } }).tenantsWithoutSecrets, ["beta"]);
  });
});

describe("offline plan", () => {
  it("the JSON plan masks secrets and summarizes assets", async () => {
    const config = parse({ tenants: { acme: base }, secrets: { acme: ["super-secret-value"] } });
    const plan = await planOf(config);
    const text = JSON.stringify(plan.resources);
    assert.ok(!text.includes("super-secret-value"));
    const version = plan.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")!;
    assert.equal(version.inputs.secretString, "[secret]");
    const fn = plan.resources.find((r) => r.name === "tenant-acme-ingest-fn")!;
    assert.match(JSON.stringify(fn.inputs.code), /"sha256":"[0-9a-f]{64}","size":\d+/);
    assert.equal(fn.parent, "tenant-acme-ingest");
  });

  it("npm run plan -- --json prints exactly one JSON array; a bad stack exits non-zero with the message", () => {
    const root = path.resolve(__dirname, "../..");
    const ok = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack", "dev", "--json"], { cwd: root, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    const parsed = JSON.parse(ok.stdout);
    assert.ok(Array.isArray(parsed) && parsed.every((r: { type: string; name: string; inputs: unknown }) => r.type && r.name && "parent" in r && r.inputs));

    const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
    writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  webhooks:tenants:\n    acme:\n      scheme: nope\n      ingestConcurrency: 1\n      workerConcurrency: 2\n");
    assert.throws(() => loadStackFile("bad", dir), /tenants\.acme\.scheme/);
    const bad = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack", "missing-stack"], { cwd: root, encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /no stack file Pulumi\.missing-stack\.yaml/);
  });
});

describe("stack config read through Pulumi", () => {
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const { stackConfigFromPulumi } = require("../../components/config") as typeof import("../../components/config");

  async function configure(preview: boolean, secrets?: Record<string, string[]>) {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "webhooks", "unit", preview);
    pulumi.runtime.setAllConfig({
      "webhooks:tenants": JSON.stringify({ acme: base }),
      ...(secrets ? { "webhooks:secrets": JSON.stringify(secrets) } : {}),
    }, secrets ? ["webhooks:secrets"] : []);
  }

  afterEach(() => {
    delete process.env.WEBHOOKS_OFFLINE_PLAN;
  });

  it("a tenant without secrets is an error on `pulumi up`", async () => {
    await configure(false);
    assert.throws(() => stackConfigFromPulumi(), /webhooks:secrets: no secret for tenant\(s\) acme/);
  });

  it("a tenant without secrets is only a warning on the offline plan and on preview", async () => {
    await configure(false);
    process.env.WEBHOOKS_OFFLINE_PLAN = "1";
    assert.deepEqual(stackConfigFromPulumi().tenantsWithoutSecrets, ["acme"]);
    delete process.env.WEBHOOKS_OFFLINE_PLAN;
    await configure(true);
    assert.deepEqual(stackConfigFromPulumi().tenantsWithoutSecrets, ["acme"]);
  });

  it("reads the tenants and secrets Pulumi holds", async () => {
    await configure(false, { acme: ["secret-one", "secret-two"] });
    const config = stackConfigFromPulumi();
    assert.equal(config.stack, "unit");
    assert.deepEqual(config.secrets, { acme: ["secret-one", "secret-two"] });
  });
});
