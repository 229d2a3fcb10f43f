import assert from "node:assert/strict";
import { ConfigError } from "../../handlers/core/errors";
import { ENV, readIngestEnv } from "../../handlers/env";

const base = { [ENV.tenant]: "acme", [ENV.scheme]: "twilio", [ENV.queueUrl]: "https://sqs/q", [ENV.secretId]: "arn:secret" };

describe("ingest environment: PUBLIC_BASE_URL", () => {
  it("is optional, and a trailing slash is dropped", () => {
    assert.equal(readIngestEnv(base).settings.publicBaseUrl, undefined);
    assert.equal(readIngestEnv({ ...base, [ENV.publicBaseUrl]: "https://hooks.example.com/" }).settings.publicBaseUrl, "https://hooks.example.com");
    assert.equal(readIngestEnv({ ...base, [ENV.publicBaseUrl]: "http://127.0.0.1:8787" }).settings.publicBaseUrl, "http://127.0.0.1:8787");
  });

  it("must be an absolute http(s) URL without query, fragment or credentials", () => {
    for (const bad of ["hooks.example.com", "ftp://x", "https://x/?a=1", "https://x/#f", "https://u:p@x"]) {
      assert.throws(() => readIngestEnv({ ...base, [ENV.publicBaseUrl]: bad }), ConfigError, bad);
    }
  });
});
