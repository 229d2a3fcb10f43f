// The environment contract between the Pulumi components (which set these) and the handlers (which read them).
import { ConfigError } from "./core/errors";
import type { IngestSettings } from "./core/ingest";
import type { WorkerSettings } from "./core/worker";
import { DescriptionError, parseDescription, type SchemeDescription } from "./core/verify/declarative";
import { isTenantScheme, type HmacOptions, type VerifierOptions } from "./core/verify/types";

export const ENV = {
  tenant: "TENANT_ID",
  scheme: "SCHEME",
  queueUrl: "QUEUE_URL",
  /** Optional: the stack's bodies bucket; bodies over the inline threshold go there (core/claimCheck.ts). */
  bodyBucket: "BODY_BUCKET",
  secretId: "SECRET_ID",
  secretsFile: "SECRETS_FILE",
  toleranceSeconds: "TOLERANCE_SECONDS",
  maxBodyBytes: "MAX_BODY_BYTES",
  secretsTtlSeconds: "SECRETS_TTL_SECONDS",
  secretsMaxStaleSeconds: "SECRETS_MAX_STALE_SECONDS",
  hmacHeader: "HMAC_HEADER",
  hmacEncoding: "HMAC_ENCODING",
  hmacPrefix: "HMAC_PREFIX",
  tableName: "TABLE_NAME",
  retentionDays: "RETENTION_DAYS",
  streamName: "ANALYTICS_STREAM_NAME",
  namespace: "METRICS_NAMESPACE",
  /** Optional: scheme, host and any path prefix senders address, when not https://<function URL domain>. */
  publicBaseUrl: "PUBLIC_BASE_URL",
  /** Scheme `custom`: the tenant's description (JSON), validated again here. */
  schemeDescription: "SCHEME_DESCRIPTION",
  /** Provider presets: their non-secret settings (JSON object of strings), e.g. Square's notificationUrl. */
  presetSettings: "PRESET_SETTINGS",
} as const;

export const DEFAULTS = {
  toleranceSeconds: 300,
  maxBodyBytes: 256 * 1024,
  retentionDays: 7,
  secretsTtlSeconds: 300,
  /** How long ingest may keep serving the last good keys while refreshing them fails; then it fails closed. */
  secretsMaxStaleSeconds: 3600,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`environment variable ${name} must be a positive number, got '${raw}'`);
  return value;
}

/**
 * PUBLIC_BASE_URL: an absolute http(s) URL without query or fragment; a trailing '/' is dropped (the request's
 * path is appended to it).
 */
export function readPublicBaseUrl(env: Env): string | undefined {
  const raw = env[ENV.publicBaseUrl];
  if (raw === undefined || raw === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`environment variable ${ENV.publicBaseUrl} must be an absolute URL, got '${raw}'`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError(`environment variable ${ENV.publicBaseUrl} must be http(s)://host[:port][/prefix] without query, fragment or credentials, got '${raw}'`);
  }
  return raw.replace(/\/+$/, "");
}

export interface IngestEnv {
  readonly settings: IngestSettings;
  readonly verifier: VerifierOptions;
  readonly queueUrl: string;
  /** Exactly one of these says where the secrets are. */
  readonly secretId?: string;
  readonly secretsFile?: string;
  readonly secretsTtlMs: number;
  readonly secretsMaxStaleMs: number;
}

export function readIngestEnv(env: Env): IngestEnv {
  const tenant = required(env, ENV.tenant);
  const scheme = required(env, ENV.scheme);
  if (!isTenantScheme(scheme)) throw new ConfigError(`environment variable ${ENV.scheme}: unknown scheme '${scheme}'`);
  let description: SchemeDescription | undefined;
  if (scheme === "custom") {
    try {
      description = parseDescription(JSON.parse(required(env, ENV.schemeDescription)), ENV.schemeDescription);
    } catch (error) {
      throw new ConfigError(error instanceof DescriptionError || error instanceof ConfigError ? error.message : `environment variable ${ENV.schemeDescription} is not JSON`);
    }
  }
  let presetSettings: Record<string, string> | undefined;
  if (env[ENV.presetSettings]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env[ENV.presetSettings]!);
    } catch {
      throw new ConfigError(`environment variable ${ENV.presetSettings} is not JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
      throw new ConfigError(`environment variable ${ENV.presetSettings} must be an object of strings`);
    }
    presetSettings = parsed as Record<string, string>;
  }
  let hmac: HmacOptions | undefined;
  if (scheme === "hmac-sha256") {
    const encoding = required(env, ENV.hmacEncoding);
    if (encoding !== "hex" && encoding !== "base64") throw new ConfigError(`environment variable ${ENV.hmacEncoding} must be hex or base64`);
    hmac = { header: required(env, ENV.hmacHeader), encoding, prefix: env[ENV.hmacPrefix] ?? "" };
  }
  const secretId = env[ENV.secretId] || undefined;
  const secretsFile = env[ENV.secretsFile] || undefined;
  if (!secretId && !secretsFile) throw new ConfigError(`one of ${ENV.secretId} or ${ENV.secretsFile} is required`);
  return {
    settings: {
      tenant,
      scheme,
      maxBodyBytes: positiveNumber(env, ENV.maxBodyBytes, DEFAULTS.maxBodyBytes),
      publicBaseUrl: readPublicBaseUrl(env),
      ...(env[ENV.bodyBucket] ? { bodyBucket: env[ENV.bodyBucket] } : {}),
    },
    verifier: {
      scheme,
      toleranceSeconds: positiveNumber(env, ENV.toleranceSeconds, DEFAULTS.toleranceSeconds),
      hmac,
      ...(description ? { description } : {}),
      ...(presetSettings ? { presetSettings } : {}),
    },
    queueUrl: required(env, ENV.queueUrl),
    secretId,
    secretsFile,
    secretsTtlMs: positiveNumber(env, ENV.secretsTtlSeconds, DEFAULTS.secretsTtlSeconds) * 1000,
    secretsMaxStaleMs: positiveNumber(env, ENV.secretsMaxStaleSeconds, DEFAULTS.secretsMaxStaleSeconds) * 1000,
  };
}

export interface WorkerEnv {
  readonly settings: WorkerSettings;
  readonly tableName: string;
}

export function readWorkerEnv(env: Env): WorkerEnv {
  return {
    settings: { tenant: required(env, ENV.tenant), retentionDays: positiveNumber(env, ENV.retentionDays, DEFAULTS.retentionDays) },
    tableName: required(env, ENV.tableName),
  };
}

export function readStreamEnv(env: Env): { streamName: string } {
  return { streamName: required(env, ENV.streamName) };
}
