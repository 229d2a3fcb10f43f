// Typed domain errors (handlers/core/errors.ts): the shells decide status codes and batch failures from the
// class and its `retryable` flag, so each class carries the flag its callers rely on, and its own name.
import assert from "node:assert/strict";
import { BodyStoreError, ConfigError, DomainError, EnqueueError, errorName, MalformedEnvelopeError, PublishError, SecretsUnavailableError, StoreError } from "../../../handlers/core/errors";

describe("domain errors", () => {
  it("secrets unavailable, a malformed envelope and a bad configuration are never retryable", () => {
    const cause = new Error("under");
    const secrets = new SecretsUnavailableError("no keys", { cause });
    assert.deepEqual([secrets.retryable, secrets.message, secrets.cause, secrets.name], [false, "no keys", cause, "SecretsUnavailableError"]);
    const malformed = new MalformedEnvelopeError("tenant missing");
    assert.deepEqual([malformed.retryable, malformed.message, malformed.name], [false, "tenant missing", "MalformedEnvelopeError"]);
    const config = new ConfigError("environment variable X is required");
    assert.deepEqual([config.retryable, config.message, config.name], [false, "environment variable X is required", "ConfigError"]);
  });

  it("the AWS-call errors carry the retryable flag and cause they are given, and their own class name", () => {
    const cause = new Error("throttled");
    for (const [Class, name] of [[EnqueueError, "EnqueueError"], [BodyStoreError, "BodyStoreError"], [StoreError, "StoreError"], [PublishError, "PublishError"]] as const) {
      const error = new Class("failed", true, { cause });
      assert.ok(error instanceof DomainError && error instanceof Error);
      assert.deepEqual([error.retryable, error.cause, error.name], [true, cause, name]);
      assert.equal(new Class("failed", false).retryable, false);
    }
  });

  it("errorName: an Error's name, else the thrown value's type", () => {
    assert.equal(errorName(new StoreError("x", true)), "StoreError");
    assert.equal(errorName(new TypeError("x")), "TypeError");
    assert.equal(errorName("text"), "string");
    assert.equal(errorName(undefined), "undefined");
  });
});
