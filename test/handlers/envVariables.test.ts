// The functions' environment (handlers/env.ts): what each variable becomes, the defaults, and a ConfigError
// naming the variable for anything missing or malformed (a function that starts with a wrong setting would
// accept or refuse webhooks it should not).
import assert from "node:assert/strict";
import { ConfigError } from "../../handlers/core/errors";
import { DEFAULTS, ENV, readIngestEnv, readStreamEnv, readWorkerEnv } from "../../handlers/env";

const base = { TENANT_ID: "acme", SCHEME: "github", QUEUE_URL: "https://sqs/q", SECRET_ID: "arn:secret" };
const configError = (pattern: RegExp) => (error: unknown) => error instanceof ConfigError && pattern.test(error.message);

describe("function environment", () => {
  it("the variable names stay the literal ones the Pulumi components set (stack.test.ts checks they are set)", () => {
    assert.deepEqual(
      [ENV.tenant, ENV.scheme, ENV.queueUrl, ENV.secretId, ENV.secretsFile, ENV.toleranceSeconds, ENV.maxBodyBytes, ENV.secretsTtlSeconds, ENV.secretsMaxStaleSeconds, ENV.hmacHeader, ENV.hmacEncoding, ENV.hmacPrefix, ENV.tableName, ENV.retentionDays, ENV.streamName],
      ["TENANT_ID", "SCHEME", "QUEUE_URL", "SECRET_ID", "SECRETS_FILE", "TOLERANCE_SECONDS", "MAX_BODY_BYTES", "SECRETS_TTL_SECONDS", "SECRETS_MAX_STALE_SECONDS", "HMAC_HEADER", "HMAC_ENCODING", "HMAC_PREFIX", "TABLE_NAME", "RETENTION_DAYS", "ANALYTICS_STREAM_NAME"],
    );
  });

  it("ingest: each variable lands in its setting; unset numbers take the documented defaults (seconds become ms)", () => {
    const env = readIngestEnv(base);
    assert.deepEqual([env.settings.tenant, env.settings.scheme, env.queueUrl, env.secretId, env.secretsFile], ["acme", "github", "https://sqs/q", "arn:secret", undefined]);
    assert.deepEqual([env.settings.maxBodyBytes, env.verifier.toleranceSeconds, env.secretsTtlMs, env.secretsMaxStaleMs], [256 * 1024, 300, 300_000, 3_600_000]);
    assert.deepEqual([DEFAULTS.maxBodyBytes, DEFAULTS.toleranceSeconds, DEFAULTS.secretsTtlSeconds, DEFAULTS.secretsMaxStaleSeconds], [262_144, 300, 300, 3600]);
    const set = readIngestEnv({ ...base, MAX_BODY_BYTES: "1024", TOLERANCE_SECONDS: "60", SECRETS_TTL_SECONDS: "30", SECRETS_MAX_STALE_SECONDS: "90", SECRET_ID: "", SECRETS_FILE: "/tmp/s.json" });
    assert.deepEqual([set.settings.maxBodyBytes, set.verifier.toleranceSeconds, set.secretsTtlMs, set.secretsMaxStaleMs], [1024, 60, 30_000, 90_000]);
    assert.deepEqual([set.secretId, set.secretsFile], [undefined, "/tmp/s.json"]);
    assert.equal(set.verifier.scheme, "github");
    assert.equal(set.verifier.hmac, undefined);
  });

  it("ingest: a missing or empty required variable is a ConfigError naming it", () => {
    for (const name of ["TENANT_ID", "SCHEME", "QUEUE_URL"]) {
      assert.throws(() => readIngestEnv({ ...base, [name]: undefined }), configError(new RegExp(`^environment variable ${name} is required$`)), name);
      assert.throws(() => readIngestEnv({ ...base, [name]: "" }), configError(new RegExp(`^environment variable ${name} is required$`)), name);
    }
    assert.throws(() => readIngestEnv({ ...base, SECRET_ID: undefined }), configError(/^one of SECRET_ID or SECRETS_FILE is required$/));
    assert.throws(() => readIngestEnv({ ...base, SCHEME: "md5" }), configError(/unknown scheme 'md5'/));
  });

  it("ingest: numbers must be positive and finite", () => {
    for (const name of ["MAX_BODY_BYTES", "TOLERANCE_SECONDS", "SECRETS_TTL_SECONDS", "SECRETS_MAX_STALE_SECONDS"]) {
      for (const bad of ["0", "-5", "abc", "Infinity", "NaN"]) {
        assert.throws(() => readIngestEnv({ ...base, [name]: bad }), configError(new RegExp(`^environment variable ${name} must be a positive number, got '${bad}'$`)), `${name}=${bad}`);
      }
      assert.doesNotThrow(() => readIngestEnv({ ...base, [name]: "0.5" }), name);
    }
  });

  it("ingest hmac-sha256: header, encoding (hex or base64) and optional prefix", () => {
    const hmac = { ...base, SCHEME: "hmac-sha256", HMAC_HEADER: "X-Sig", HMAC_ENCODING: "base64" };
    assert.deepEqual(readIngestEnv(hmac).verifier.hmac, { header: "X-Sig", encoding: "base64", prefix: "" });
    assert.deepEqual(readIngestEnv({ ...hmac, HMAC_ENCODING: "hex", HMAC_PREFIX: "sha256=" }).verifier.hmac, { header: "X-Sig", encoding: "hex", prefix: "sha256=" });
    assert.throws(() => readIngestEnv({ ...hmac, HMAC_ENCODING: "base32" }), configError(/^environment variable HMAC_ENCODING must be hex or base64$/));
    assert.throws(() => readIngestEnv({ ...hmac, HMAC_HEADER: undefined }), configError(/HMAC_HEADER is required/));
    assert.throws(() => readIngestEnv({ ...hmac, HMAC_ENCODING: undefined }), configError(/HMAC_ENCODING is required/));
  });

  it("worker and stream consumer: their variables, the retention default, and required ones named", () => {
    assert.deepEqual(readWorkerEnv({ TENANT_ID: "acme", TABLE_NAME: "events" }), { settings: { tenant: "acme", retentionDays: 7 }, tableName: "events" });
    assert.equal(readWorkerEnv({ TENANT_ID: "acme", TABLE_NAME: "events", RETENTION_DAYS: "30" }).settings.retentionDays, 30);
    assert.throws(() => readWorkerEnv({ TENANT_ID: "acme" }), configError(/TABLE_NAME is required/));
    assert.throws(() => readWorkerEnv({ TABLE_NAME: "events" }), configError(/TENANT_ID is required/));
    assert.throws(() => readWorkerEnv({ TENANT_ID: "acme", TABLE_NAME: "events", RETENTION_DAYS: "0" }), configError(/RETENTION_DAYS must be a positive number/));
    assert.deepEqual(readStreamEnv({ ANALYTICS_STREAM_NAME: "analytics" }), { streamName: "analytics" });
    assert.throws(() => readStreamEnv({}), configError(/ANALYTICS_STREAM_NAME is required/));
  });
});

describe("function environment: optional settings and their errors", () => {
  const customDescription = { signature: { header: "x-sig", algorithm: "hmac-sha256", encoding: "hex" }, signed: [{ body: true }], secret: { encoding: "utf8" } };
  const custom = { ...base, SCHEME: "custom", SCHEME_DESCRIPTION: JSON.stringify(customDescription) };

  it("an empty PUBLIC_BASE_URL is unset; every trailing slash is dropped", () => {
    assert.equal(readIngestEnv({ ...base, PUBLIC_BASE_URL: "" }).settings.publicBaseUrl, undefined);
    assert.equal(readIngestEnv({ ...base, PUBLIC_BASE_URL: "https://hooks.example.com/in///" }).settings.publicBaseUrl, "https://hooks.example.com/in");
  });

  it("a PUBLIC_BASE_URL that is not a URL, or carries a user name or password alone, is a ConfigError quoting it", () => {
    assert.throws(() => readIngestEnv({ ...base, PUBLIC_BASE_URL: "hooks.example.com" }), configError(/^environment variable PUBLIC_BASE_URL must be an absolute URL, got 'hooks\.example\.com'$/));
    for (const bad of ["https://user@hooks.example.com", "https://:secret@hooks.example.com"]) {
      assert.throws(
        () => readIngestEnv({ ...base, PUBLIC_BASE_URL: bad }),
        configError(new RegExp(`^environment variable PUBLIC_BASE_URL must be http\\(s\\)://host\\[:port\\]\\[/prefix\\] without query, fragment or credentials, got '${bad.replace(/[.]/g, "\\.")}'$`)),
        bad,
      );
    }
  });

  it("an unknown scheme is a ConfigError naming SCHEME and the value", () => {
    assert.throws(() => readIngestEnv({ ...base, SCHEME: "md5" }), configError(/^environment variable SCHEME: unknown scheme 'md5'$/));
  });

  it("scheme custom: the description reaches the verifier; a missing, non-JSON or invalid one is a ConfigError naming SCHEME_DESCRIPTION", () => {
    const env = readIngestEnv(custom);
    assert.equal(env.verifier.scheme, "custom");
    assert.deepEqual(env.verifier.description?.signed, [{ body: true }]);
    assert.equal(env.verifier.description?.signature.algorithm, "hmac-sha256");
    assert.throws(() => readIngestEnv({ ...custom, SCHEME_DESCRIPTION: undefined }), configError(/^environment variable SCHEME_DESCRIPTION is required$/));
    assert.throws(() => readIngestEnv({ ...custom, SCHEME_DESCRIPTION: "{not json" }), configError(/^environment variable SCHEME_DESCRIPTION is not JSON$/));
    assert.throws(() => readIngestEnv({ ...custom, SCHEME_DESCRIPTION: "{}" }), configError(/^SCHEME_DESCRIPTION\.signature: must be an object/));
    assert.throws(() => readIngestEnv({ ...custom, SCHEME_DESCRIPTION: "[]" }), configError(/^SCHEME_DESCRIPTION: must be an object/));
  });

  it("other schemes carry no description", () => {
    assert.equal("description" in readIngestEnv({ ...base, SCHEME_DESCRIPTION: JSON.stringify(customDescription) }).verifier, false);
  });

  it("PRESET_SETTINGS: an object of strings reaches the verifier; anything else is a ConfigError naming it", () => {
    assert.deepEqual(readIngestEnv({ ...base, PRESET_SETTINGS: '{"notificationUrl":"https://x/y","b":""}' }).verifier.presetSettings, { notificationUrl: "https://x/y", b: "" });
    assert.deepEqual(readIngestEnv({ ...base, PRESET_SETTINGS: "{}" }).verifier.presetSettings, {});
    assert.equal("presetSettings" in readIngestEnv(base).verifier, false);
    assert.equal("presetSettings" in readIngestEnv({ ...base, PRESET_SETTINGS: "" }).verifier, false);
    assert.throws(() => readIngestEnv({ ...base, PRESET_SETTINGS: "{oops" }), configError(/^environment variable PRESET_SETTINGS is not JSON$/));
    for (const bad of ['"text"', "null", '["a"]', '{"a":1}', '{"a":"x","b":null}', '{"a":1,"b":"x"}']) {
      assert.throws(() => readIngestEnv({ ...base, PRESET_SETTINGS: bad }), configError(/^environment variable PRESET_SETTINGS must be an object of strings$/), bad);
    }
  });

  it("BODY_BUCKET reaches the ingest settings only when set", () => {
    assert.equal(readIngestEnv({ ...base, BODY_BUCKET: "bodies" }).settings.bodyBucket, "bodies");
    assert.equal("bodyBucket" in readIngestEnv(base).settings, false);
    assert.equal("bodyBucket" in readIngestEnv({ ...base, BODY_BUCKET: "" }).settings, false);
  });

  it("an empty SECRETS_FILE with an empty SECRET_ID is neither source", () => {
    assert.throws(() => readIngestEnv({ ...base, SECRET_ID: "", SECRETS_FILE: "" }), configError(/^one of SECRET_ID or SECRETS_FILE is required$/));
    const both = readIngestEnv({ ...base, SECRETS_FILE: "" });
    assert.deepEqual([both.secretId, both.secretsFile], ["arn:secret", undefined]);
  });

  it("an unset number takes its default only when unset or empty", () => {
    assert.equal(readIngestEnv({ ...base, MAX_BODY_BYTES: "" }).settings.maxBodyBytes, 262_144);
    assert.equal(readWorkerEnv({ TENANT_ID: "acme", TABLE_NAME: "events", RETENTION_DAYS: "" }).settings.retentionDays, 7);
  });
});
