// The one reader of stack configuration: `pulumi.Config` in the Pulumi program, `Pulumi.<stack>.yaml` for the
// local pipeline and the offline plan. Everything is validated here, once; a bad stack file fails at once with
// one line naming the tenant and the field.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { load as loadYaml } from "js-yaml";
import { DEFAULTS } from "../handlers/env";
import { TENANT_ID_PATTERN } from "../handlers/core/eventTable";
import { DescriptionError, parseDescription, type SchemeDescription } from "../handlers/core/verify/declarative";
import { presetNamed, schemeDescription } from "../handlers/core/verify/presets";
import { secretsProblem } from "../handlers/core/verify/registry";
import { TENANT_SCHEMES, isTenantScheme, type HmacOptions, type TenantScheme, type VerifierOptions } from "../handlers/core/verify/types";
import { ingestEnvironment } from "./functionEnvironment";
import { metricsNamespaceOf } from "./naming";
import { MAX_BODY_BYTES_LIMIT, WORKER } from "./settings";

export const NAMESPACE = "webhooks";

/** Lambda keeps at least this much of an account's concurrency unreserved. */
export const UNRESERVED_MINIMUM = 100;
/**
 * Lambda refuses a function whose environment variables take more than 4 KB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), measured on the JSON text of the
 * whole map (its refusal quotes the string it measured: quotes, colons, commas and escapes count): `pulumi up` would
 * fail on that tenant's ingest function halfway through a deploy. A custom description or preset settings can reach it.
 */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/**
 * The most bytes a tenant's ingest environment can take once deployed: the values only AWS knows (queue URL,
 * secret ARN, bucket name) at the longest they can be in any region and partition. The secret's name is Pulumi's
 * default auto-name (`tenant-<id>-secret-<7 hex>`); a stack-wide `pulumi:autonaming` pattern would change it.
 */
export function ingestEnvironmentBytes(tenant: TenantConfig, stack: string, secretsMaxStaleSeconds: number): number {
  const longest = {
    // https://sqs.<region>.amazonaws.com/<account>/<queue name of up to 80 characters>
    queueUrl: `https://sqs.${"r".repeat(20)}.amazonaws.com/123456789012/${"q".repeat(80)}`,
    // arn:<partition>:secretsmanager:<region>:<account>:secret:<Pulumi's auto-name>-<6 characters Secrets Manager adds>
    secrets: { secretId: `arn:aws-us-gov:secretsmanager:${"r".repeat(20)}:123456789012:secret:tenant-${tenant.id}-secret-1234567-AbCdEf` },
    metricsNamespace: metricsNamespaceOf(stack),
    secretsMaxStaleSeconds,
    bodyBucket: "b".repeat(63),
    ...(tenant.publicBaseUrl !== undefined ? { publicBaseUrl: tenant.publicBaseUrl } : {}),
  };
  // A non-ASCII character is counted as the 6-byte \uXXXX escape a stricter JSON writer makes of it (AWS does not
  // say which writer measures), so the bound holds either way.
  return Buffer.byteLength(JSON.stringify(ingestEnvironment<string>(tenant, longest)).replace(/[^\x00-\x7f]/g, "\\u0000"));
}

/** An SQS event source mapping's maximumConcurrency lies in 2..1000. */
export const SQS_MAX_CONCURRENCY = { min: 2, max: 1000 } as const;

export interface TenantConfig {
  readonly id: string;
  readonly scheme: TenantScheme;
  /** Reserved concurrency of the tenant's ingest function. */
  readonly ingestConcurrency: number;
  /** Reserved concurrency of the tenant's worker, and its SQS mapping's maximumConcurrency. */
  readonly workerConcurrency: number;
  readonly toleranceSeconds: number;
  readonly maxBodyBytes: number;
  readonly retentionDays: number;
  /**
   * The worker mapping's batching window, seconds: how long Lambda gathers messages before invoking the worker.
   * Longer windows fill batches (fewer invocations, deletes and log lines: `npm run cost`) and store events later.
   */
  readonly batchWindowSeconds: number;
  readonly hmac?: HmacOptions;
  /**
   * The public URL the provider posts to, when it is not the function URL (a custom domain in front of it):
   * Twilio signs the URL, so ingest must rebuild exactly the one the sender used. Scheme, host, optional path.
   */
  readonly publicBaseUrl?: string;
  /** Scheme `custom`: the tenant's validated description of how its sender signs. */
  readonly custom?: SchemeDescription;
  /** A provider preset's non-secret settings (e.g. Square's notificationUrl). */
  readonly presetSettings?: Readonly<Record<string, string>>;
}

export interface StackConfig {
  readonly stack: string;
  readonly alarmEmail?: string;
  /** Absolute URL of RUNBOOK.md (alarm descriptions link `<url>#<section>`); none: the stack's runbook dashboard. */
  readonly runbookUrl?: string;
  /** How long ingest may serve its last good keys while refreshing the secret fails; then it fails closed. */
  readonly secretsMaxStaleSeconds: number;
  readonly analyticsShards: number;
  /** The account's concurrency limit (Lambda default 1000). */
  readonly accountConcurrency: number;
  /** Reserved concurrency of the shared stream consumer. */
  readonly streamConcurrency: number;
  readonly logRetentionDays: number;
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  readonly tenants: readonly TenantConfig[];
  /** Tenant id -> its active secrets, when configured. */
  readonly secrets: Readonly<Record<string, readonly string[]>>;
  /** Tenants with no secret configured (an error on `up`, a warning elsewhere). */
  readonly tenantsWithoutSecrets: readonly string[];
}

export class ConfigValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigValidationError";
  }
}

/** CloudWatch Logs accepts only these retention values. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const TENANT_KEYS = new Set(["scheme", "ingestConcurrency", "workerConcurrency", "toleranceSeconds", "maxBodyBytes", "retentionDays", "batchWindowSeconds", "hmac", "publicBaseUrl", "custom", "settings"]);
const STACK_KEYS = new Set(["alarmEmail", "runbookUrl", "secretsMaxStaleSeconds", "analyticsShards", "accountConcurrency", "streamConcurrency", "logRetentionDays", "pointInTimeRecovery", "deletionProtection", "tenants", "secrets"]);

const fail = (field: string, message: string): never => {
  throw new ConfigValidationError(`${NAMESPACE}:${field}: ${message}`);
};

/** Pulumi hands objects over as JSON strings, YAML as objects: accept both. */
function structured(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

function integer(field: string, value: unknown, fallback: number | undefined, min: number, max: number, why = ""): number {
  if (value === undefined || value === null) {
    if (fallback === undefined) return fail(field, "is required");
    return fallback;
  }
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < min || number > max) {
    return fail(field, `must be an integer in ${min}..${max}${why}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function boolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return fail(field, `must be true or false, got ${JSON.stringify(value)}`);
}

function parseHmac(field: string, value: unknown, scheme: TenantScheme): HmacOptions | undefined {
  if (scheme !== "hmac-sha256") {
    if (value !== undefined) fail(field, "is only for scheme hmac-sha256");
    return undefined;
  }
  if (value === undefined || value === null || typeof value !== "object") return fail(field, "is required for scheme hmac-sha256 ({ header, encoding: hex|base64, prefix })");
  const hmac = value as Record<string, unknown>;
  if (typeof hmac.header !== "string" || !/^[A-Za-z0-9-]{1,64}$/.test(hmac.header)) fail(`${field}.header`, "must be an HTTP header name");
  if (hmac.encoding !== "hex" && hmac.encoding !== "base64") fail(`${field}.encoding`, `must be hex or base64, got ${JSON.stringify(hmac.encoding)}`);
  if (hmac.prefix !== undefined && typeof hmac.prefix !== "string") fail(`${field}.prefix`, "must be a string");
  for (const key of Object.keys(hmac)) if (!["header", "encoding", "prefix"].includes(key)) fail(`${field}.${key}`, "is not a known setting");
  return { header: hmac.header as string, encoding: hmac.encoding as "hex" | "base64", prefix: (hmac.prefix as string | undefined) ?? "" };
}

/**
 * An absolute https URL without query or fragment (those belong to what is appended). `allowPath` false: only
 * scheme and host.
 */
function httpsUrl(field: string, value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return fail(field, `must be ${what}, got ${JSON.stringify(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(field, `must be ${what}, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:") fail(field, `must be an https:// URL (it is opened from alarm emails or signed by senders), got ${JSON.stringify(value)}`);
  // On the text, not url.search/url.hash: those are empty for a bare "?" or "#", which still is one.
  if (value.includes("?") || value.includes("#")) fail(field, `must have no query or #fragment, got ${JSON.stringify(value)}`);
  if (url.username !== "" || url.password !== "") fail(field, "must not carry credentials");
  if (value.length > 512) fail(field, "must be at most 512 characters");
  return value;
}

function parseTenant(id: string, value: unknown): TenantConfig {
  const field = `tenants.${id}`;
  if (!TENANT_ID_PATTERN.test(id)) fail(field, "tenant id must be 1..32 characters of [a-z0-9-]");
  if (value === null || typeof value !== "object" || Array.isArray(value)) return fail(field, "must be an object");
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!TENANT_KEYS.has(key)) fail(`${field}.${key}`, "is not a known setting");
  if (!isTenantScheme(raw.scheme)) return fail(`${field}.scheme`, `must be one of ${TENANT_SCHEMES.join("|")}, got ${JSON.stringify(raw.scheme)}`);
  const scheme = raw.scheme;
  const preset = presetNamed(scheme);
  let custom: SchemeDescription | undefined;
  if (scheme === "custom") {
    if (raw.custom === undefined) fail(`${field}.custom`, "is required for scheme custom (a description: { signature, signed, timestamp?, eventId?, secret })");
    try {
      custom = parseDescription(structured(raw.custom), `${NAMESPACE}:${field}.custom`);
    } catch (error) {
      if (error instanceof DescriptionError) throw new ConfigValidationError(error.message);
      throw error;
    }
  } else if (raw.custom !== undefined) fail(`${field}.custom`, "is only for scheme custom");
  let presetSettings: Record<string, string> | undefined;
  const declared = (preset?.settings ?? []).filter((s) => !s.secret);
  if (raw.settings !== undefined) {
    if (declared.length === 0) fail(`${field}.settings`, `scheme ${scheme} takes no settings`);
    const settings = structured(raw.settings);
    if (settings === null || typeof settings !== "object" || Array.isArray(settings)) return fail(`${field}.settings`, "must be an object");
    for (const [name, value] of Object.entries(settings)) {
      if (!declared.some((d) => d.name === name)) fail(`${field}.settings.${name}`, `is not a setting of ${scheme} (${declared.map((d) => d.name).join(", ")})`);
      if (typeof value !== "string" || value === "" || value.length > 512) fail(`${field}.settings.${name}`, "must be a non-empty string of at most 512 characters");
    }
    presetSettings = settings as Record<string, string>;
  }
  for (const setting of declared) {
    if (presetSettings?.[setting.name] === undefined) fail(`${field}.settings.${setting.name}`, `is required for scheme ${scheme}: ${setting.doc}`);
  }
  return {
    id,
    scheme,
    ingestConcurrency: integer(`${field}.ingestConcurrency`, raw.ingestConcurrency, undefined, 1, 10_000),
    workerConcurrency: integer(`${field}.workerConcurrency`, raw.workerConcurrency, undefined, SQS_MAX_CONCURRENCY.min, SQS_MAX_CONCURRENCY.max, " (an SQS mapping's maximumConcurrency)"),
    // Providers document different windows (Twitch 10 min, Linear 1 min): a preset brings its own default.
    toleranceSeconds: integer(`${field}.toleranceSeconds`, raw.toleranceSeconds, preset?.toleranceSeconds ?? DEFAULTS.toleranceSeconds, 1, 3600),
    maxBodyBytes: integer(`${field}.maxBodyBytes`, raw.maxBodyBytes, DEFAULTS.maxBodyBytes, 1, MAX_BODY_BYTES_LIMIT, " (a function URL's 6 MB request payload)"),
    retentionDays: integer(`${field}.retentionDays`, raw.retentionDays, DEFAULTS.retentionDays, 1, 3650),
    batchWindowSeconds: integer(`${field}.batchWindowSeconds`, raw.batchWindowSeconds, WORKER.maximumBatchingWindowSeconds, 0, WORKER.maxBatchingWindowSeconds, " (seconds; the queue-age alarm fires at 300)"),
    hmac: parseHmac(`${field}.hmac`, raw.hmac, scheme),
    publicBaseUrl: httpsUrl(`${field}.publicBaseUrl`, raw.publicBaseUrl, "the https URL the provider posts to (custom domain)")?.replace(/\/+$/, ""),
    ...(custom ? { custom } : {}),
    ...(presetSettings ? { presetSettings } : {}),
  };
}

/** The options of the verifier a tenant's ingest runs (handlers/env.ts builds the same from the environment). */
export function verifierOptionsOf(tenant: TenantConfig): VerifierOptions {
  return { scheme: tenant.scheme, toleranceSeconds: tenant.toleranceSeconds, hmac: tenant.hmac, description: tenant.custom, presetSettings: tenant.presetSettings };
}

function parseSecrets(value: unknown, tenants: readonly TenantConfig[]): Record<string, string[]> {
  const raw = structured(value);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) return fail("secrets", "must map tenant ids to lists of secrets");
  const out: Record<string, string[]> = {};
  for (const [tenant, list] of Object.entries(raw as Record<string, unknown>)) {
    // Never echo a secret value in an error.
    if (!tenants.some((t) => t.id === tenant)) fail(`secrets.${tenant}`, "names no configured tenant");
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string" && item !== "")) fail(`secrets.${tenant}`, "must be a list of non-empty strings");
    const config = tenants.find((t) => t.id === tenant)!;
    // Checked by the very verifier ingest will run, so `pulumi up` refuses exactly what the handler would.
    const problem = (list as string[]).length > 0 ? secretsProblem(verifierOptionsOf(config), list as string[]) : undefined;
    if (problem) {
      // "secret #<i>: <why>" from the verifier becomes the entry's path; the value is never shown.
      const entry = /^secret #(\d+): (.*)$/.exec(problem);
      fail(entry ? `secrets.${tenant}[${entry[1]}]` : `secrets.${tenant}`, `${entry ? entry[2] : problem} (scheme ${config.scheme})`);
    }
    if ((list as string[]).length > 0) out[tenant] = list as string[];
  }
  return out;
}

/**
 * Schemes whose signed bytes hold nothing tenant-specific (Twilio alone signs the URL, which names the tenant): two
 * tenants sharing a secret there would each accept the other's requests, replayed to their own URL.
 */
function signsTenantSpecificMaterial(tenant: TenantConfig): boolean {
  if (tenant.scheme === "twilio") return true;
  // Square signs its notification URL (a setting per tenant); a description signing the URL names the tenant too.
  if (tenant.presetSettings?.notificationUrl !== undefined) return true;
  return schemeDescription(tenant.scheme, tenant.custom, tenant.presetSettings)?.signed.some((part) => "url" in part) ?? false;
}

function rejectSharedSecrets(tenants: readonly TenantConfig[], secrets: Readonly<Record<string, readonly string[]>>): void {
  const owner = new Map<string, string>();
  for (const tenant of tenants) {
    if (signsTenantSpecificMaterial(tenant)) continue;
    for (const secret of secrets[tenant.id] ?? []) {
      const other = owner.get(secret);
      // Never echo the secret itself.
      if (other !== undefined && other !== tenant.id) {
        fail(`secrets.${tenant.id}`, `shares a secret with tenant '${other}': each would accept requests signed for the other; give every tenant its own secret`);
      }
      owner.set(secret, tenant.id);
    }
  }
}

/**
 * Validates one stack's configuration. `raw` maps keys without the `webhooks:` prefix to their values (objects,
 * or JSON strings as Pulumi stores them).
 */
export function parseStackConfig(stack: string, raw: Readonly<Record<string, unknown>>): StackConfig {
  // The stack name goes into the KMS alias, dashboard and log group names, which allow no '.' (Pulumi's names do).
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stack)) throw new ConfigValidationError(`stack name '${stack}' must be 1..64 characters of [A-Za-z0-9_-] (it names the stack's alarm key, dashboards and log groups)`);
  for (const key of Object.keys(raw)) if (!STACK_KEYS.has(key)) fail(key, "is not a known setting");
  const tenantsRaw = structured(raw.tenants);
  if (tenantsRaw === undefined || tenantsRaw === null || typeof tenantsRaw !== "object" || Array.isArray(tenantsRaw)) {
    return fail("tenants", "must map tenant ids to tenant settings");
  }
  const tenants = Object.entries(tenantsRaw as Record<string, unknown>).map(([id, value]) => parseTenant(id, value));
  if (tenants.length === 0) fail("tenants", "must name at least one tenant");

  const alarmEmail = raw.alarmEmail === undefined || raw.alarmEmail === null || raw.alarmEmail === "" ? undefined : String(raw.alarmEmail);
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) fail("alarmEmail", `is not an email address: ${JSON.stringify(alarmEmail)}`);
  const logRetentionDays = integer("logRetentionDays", raw.logRetentionDays, 14, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) fail("logRetentionDays", `must be one of CloudWatch's values ${LOG_RETENTION_DAYS.join(", ")}`);

  const accountConcurrency = integer("accountConcurrency", raw.accountConcurrency, 1000, UNRESERVED_MINIMUM, 1_000_000);
  const streamConcurrency = integer("streamConcurrency", raw.streamConcurrency, 5, 1, 1000);
  const reserved = tenants.reduce((sum, t) => sum + t.ingestConcurrency + t.workerConcurrency, streamConcurrency);
  if (accountConcurrency - reserved < UNRESERVED_MINIMUM) {
    const biggest = [...tenants].sort((a, b) => b.ingestConcurrency + b.workerConcurrency - (a.ingestConcurrency + a.workerConcurrency))[0]!;
    fail(
      `tenants.${biggest.id}`,
      `reserved concurrency totals ${reserved} (largest: '${biggest.id}' with ${biggest.ingestConcurrency + biggest.workerConcurrency}), leaving ${accountConcurrency - reserved} of accountConcurrency ${accountConcurrency} unreserved; Lambda keeps at least ${UNRESERVED_MINIMUM}`,
    );
  }

  const secretsMaxStaleSeconds = integer("secretsMaxStaleSeconds", raw.secretsMaxStaleSeconds, DEFAULTS.secretsMaxStaleSeconds, 60, 86_400, " (seconds ingest may serve stale keys before failing closed)");
  for (const tenant of tenants) {
    const bytes = ingestEnvironmentBytes(tenant, stack, secretsMaxStaleSeconds);
    if (bytes > LAMBDA_ENVIRONMENT_MAX_BYTES) {
      const parts = [
        tenant.custom !== undefined ? `custom description ${Buffer.byteLength(JSON.stringify(tenant.custom))} B` : undefined,
        tenant.presetSettings !== undefined ? `preset settings ${Buffer.byteLength(JSON.stringify(tenant.presetSettings))} B` : undefined,
        tenant.publicBaseUrl !== undefined ? `publicBaseUrl ${Buffer.byteLength(tenant.publicBaseUrl)} B` : undefined,
      ].filter((part) => part !== undefined);
      fail(`tenants.${tenant.id}`, `its ingest function's environment would take up to ${bytes} bytes${parts.length > 0 ? ` (${parts.join(", ")})` : ""}, over Lambda's ${LAMBDA_ENVIRONMENT_MAX_BYTES}-byte limit: shorten them`);
    }
  }

  const secrets = parseSecrets(raw.secrets, tenants);
  rejectSharedSecrets(tenants, secrets);
  return {
    stack,
    alarmEmail,
    runbookUrl: httpsUrl("runbookUrl", raw.runbookUrl, "an absolute https URL of RUNBOOK.md"),
    secretsMaxStaleSeconds,
    analyticsShards: integer("analyticsShards", raw.analyticsShards, 1, 1, 500),
    accountConcurrency,
    streamConcurrency,
    logRetentionDays,
    pointInTimeRecovery: boolean("pointInTimeRecovery", raw.pointInTimeRecovery, false),
    deletionProtection: boolean("deletionProtection", raw.deletionProtection, false),
    tenants,
    secrets,
    tenantsWithoutSecrets: tenants.filter((t) => !secrets[t.id]).map((t) => t.id),
  };
}

/** Reads `Pulumi.<stack>.yaml` (local pipeline, offline plan): the `webhooks:` keys, prefix removed. */
export function readStackFile(stack: string, root = path.resolve(__dirname, "..")): Record<string, unknown> {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new ConfigValidationError(`stack name '${stack}' is not valid`);
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ConfigValidationError(`no stack file ${path.basename(file)}`);
  }
  const document = loadYaml(text) as { config?: Record<string, unknown> } | undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document?.config ?? {})) {
    if (key.startsWith(`${NAMESPACE}:`)) out[key.slice(NAMESPACE.length + 1)] = value;
  }
  return out;
}

export function loadStackFile(stack: string, root?: string): StackConfig {
  return parseStackConfig(stack, readStackFile(stack, root));
}

/** The webhooks: keys Pulumi holds for this stack, read without turning secrets into plain-text warnings. */
function pulumiRawConfig(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const out: Record<string, unknown> = {};
  for (const key of STACK_KEYS) {
    const value = pulumi.runtime.getConfig(`${NAMESPACE}:${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The Pulumi program's configuration. Tenants without secrets fail `pulumi up`; a preview or the offline plan
 * (WEBHOOKS_OFFLINE_PLAN=1) only warns, so an operator can look before the secrets are set.
 */
export function stackConfigFromPulumi(): StackConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const config = parseStackConfig(pulumi.getStack(), pulumiRawConfig());
  if (config.tenantsWithoutSecrets.length > 0) {
    const message = `${NAMESPACE}:secrets: no secret for tenant(s) ${config.tenantsWithoutSecrets.join(", ")}; set one with: pulumi config set --secret --path '${NAMESPACE}:secrets.${config.tenantsWithoutSecrets[0]}[0]' <secret>`;
    if (pulumi.runtime.isDryRun() || process.env.WEBHOOKS_OFFLINE_PLAN === "1") pulumi.log.warn(message);
    else throw new ConfigValidationError(message);
  }
  return config;
}
