// The claim check's S3 adapter (handlers/adapters/s3.ts): the body goes to the pointer's bucket and key with its
// sha256 as ChecksumSHA256 (so S3 refuses bytes that do not hash to it), and any failure is a retryable
// BodyStoreError naming the AWS error, which ingest turns into 503 + Retry-After.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { S3BodyStore } from "../../../handlers/adapters/s3";
import { BodyStoreError } from "../../../handlers/core/errors";

function stubS3(answer: (input: PutObjectCommand["input"]) => Promise<unknown>) {
  const inputs: PutObjectCommand["input"][] = [];
  const client = { send: async (command: PutObjectCommand) => (inputs.push(command.input), answer(command.input)) } as unknown as S3Client;
  return { client, inputs };
}

const body = Buffer.from('{"hello":"world"}');
const sha256 = createHash("sha256").update(body).digest("hex");
const pointer = { bucket: "bodies-prod", key: `acme/${"a".repeat(64)}/${sha256}`, size: body.length, sha256 };

describe("S3 body store", () => {
  it("puts the body at the pointer's bucket and key, as octets, with its length and its sha256 as base64 ChecksumSHA256", async () => {
    const s3 = stubS3(async () => ({}));
    await new S3BodyStore(s3.client).put(pointer, body);
    assert.equal(s3.inputs.length, 1);
    const input = s3.inputs[0]!;
    assert.deepEqual(
      [input.Bucket, input.Key, input.Body, input.ContentLength, input.ContentType, input.ChecksumSHA256],
      ["bodies-prod", pointer.key, body, body.length, "application/octet-stream", createHash("sha256").update(body).digest("base64")],
    );
  });

  it("a failed PutObject is a retryable BodyStoreError naming the AWS error and keeping it as the cause", async () => {
    const aws = Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown" });
    const s3 = stubS3(async () => Promise.reject(aws));
    await assert.rejects(new S3BodyStore(s3.client).put(pointer, body), (error: unknown) => {
      assert.ok(error instanceof BodyStoreError);
      assert.deepEqual([error.message, error.retryable, error.cause, error.name], ["PutObject failed: SlowDown", true, aws, "BodyStoreError"]);
      return true;
    });
    const odd = stubS3(async () => Promise.reject("socket hang up"));
    await assert.rejects(new S3BodyStore(odd.client).put(pointer, body), (error: unknown) => error instanceof BodyStoreError && error.message === "PutObject failed: socket hang up" && error.cause === "socket hang up");
  });
});
