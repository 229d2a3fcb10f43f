// The claim check's S3 adapter (handlers/adapters/s3.ts): the body goes to the pointer's bucket and key with its
// sha256 as ChecksumSHA256 (so S3 refuses bytes that do not hash to it), and any failure is a retryable
// BodyStoreError naming the AWS error, which ingest turns into 503 + Retry-After.
import assert from "node:assert/strict";
import { createHash, createHmac, type BinaryLike } from "node:crypto";
import { Readable } from "node:stream";
import { S3Client, type PutObjectCommand } from "@aws-sdk/client-s3";
import { payloadHashOf, S3BodyStore } from "../../../handlers/adapters/s3";
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

  it("signs with the pointer's sha256 as the payload hash, so the SDK never hashes the body a second time", async () => {
    const large = Buffer.alloc(64 * 1024, 7);
    const largeSha256 = createHash("sha256").update(large).digest("hex");
    const largePointer = { ...pointer, key: `acme/${"a".repeat(64)}/${largeSha256}`, size: large.length, sha256: largeSha256 };
    /** Bytes the SDK hashed with SHA-256 (not HMAC: signing itself keys its hashes). */
    let hashedBytes = 0;
    class CountingSha256 {
      private readonly digest_: { update(data: BinaryLike): unknown; digest(): Buffer };
      constructor(secret?: BinaryLike) {
        this.digest_ = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
        this.keyed = secret !== undefined;
      }
      private readonly keyed: boolean;
      update(data: Uint8Array) {
        if (!this.keyed) hashedBytes += data.length;
        this.digest_.update(data);
      }
      async digest() {
        return new Uint8Array(this.digest_.digest());
      }
    }
    const sent: { headers: Record<string, string> }[] = [];
    const client = new S3Client({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      sha256: CountingSha256 as never,
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          sent.push(request);
          return { response: { statusCode: 200, headers: {}, body: Readable.from([]) } };
        },
      } as never,
    });
    try {
      await new S3BodyStore(client).put(largePointer, large);
    } finally {
      client.destroy();
    }
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.headers["x-amz-content-sha256"], largeSha256);
    assert.match(sent[0]!.headers.authorization ?? "", /SignedHeaders=[^,]*x-amz-content-sha256/, "the payload hash is signed");
    assert.ok(hashedBytes < large.length, `the SDK hashed ${hashedBytes} bytes itself, the body being ${large.length}`);
  });

  it("the payload hash is given only for a body of bytes without one already (a streamed body keeps the SDK's marker)", async () => {
    const through = async (request: { headers?: Record<string, string>; body?: unknown }) => {
      await payloadHashOf("ab".repeat(32))(async (args: { request: unknown }) => args)({ request });
      return request.headers;
    };
    assert.deepEqual(await through({ headers: {}, body: Buffer.from("x") }), { "x-amz-content-sha256": "ab".repeat(32) });
    assert.deepEqual(await through({ headers: {}, body: new Uint8Array(1) }), { "x-amz-content-sha256": "ab".repeat(32) });
    assert.deepEqual(await through({ headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }, body: Buffer.from("x") }), { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    assert.deepEqual(await through({ headers: {}, body: Readable.from([Buffer.from("x")]) }), {});
    assert.deepEqual(await through({ headers: {}, body: "text" }), {});
    assert.equal(await through({ body: Buffer.from("x") }), undefined);
  });
});
