import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BodyPointer } from "../core/claimCheck";
import { BodyStoreError } from "../core/errors";

export interface BodyStorePort {
  /** Resolves once S3 has durably stored the body at the pointer; throws BodyStoreError otherwise. */
  put(pointer: BodyPointer, body: Buffer): Promise<void>;
}

/**
 * SigV4 signs the payload's SHA-256, and the SDK hashes a Buffer body for it unless `x-amz-content-sha256` is
 * already set (@smithy/signature-v4 getPayloadHash): a second pass over a body of up to 6 MiB (~3 ms) on ingest's
 * CPU. The pointer already holds that hash, so it is given as the header before signing; S3 also checks the bytes
 * against it. https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
export function payloadHashOf(sha256Hex: string) {
  return <Args extends { request: unknown }, Output>(next: (args: Args) => Promise<Output>) =>
    async (args: Args): Promise<Output> => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      // Only for the bytes the hash is of, and never over a value the SDK chose (a streamed body is sent
      // aws-chunked with its own payload marker).
      if (request.headers && ArrayBuffer.isView(request.body) && request.headers["x-amz-content-sha256"] === undefined) {
        request.headers["x-amz-content-sha256"] = sha256Hex;
      }
      return next(args);
    };
}
const PAYLOAD_HASH_STEP = { step: "build", name: "webhooksPayloadHashFromPointer" } as const;

/**
 * PutObject with the body's sha256 as ChecksumSHA256: S3 refuses an object whose bytes do not hash to it, so
 * what is stored is what was verified. A plain overwrite (no If-None-Match): a retried delivery writes the same
 * bytes under the same key (claimCheck.ts). Encryption is the bucket's default (SSE-S3), no header needed.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export class S3BodyStore implements BodyStorePort {
  constructor(private readonly client: S3Client) {}

  async put(pointer: BodyPointer, body: Buffer): Promise<void> {
    try {
      const command = new PutObjectCommand({
        Bucket: pointer.bucket,
        Key: pointer.key,
        Body: body,
        ContentLength: body.length,
        ContentType: "application/octet-stream",
        ChecksumSHA256: Buffer.from(pointer.sha256, "hex").toString("base64"),
      });
      command.middlewareStack.add(payloadHashOf(pointer.sha256), PAYLOAD_HASH_STEP);
      await this.client.send(command);
    } catch (error) {
      throw new BodyStoreError(`PutObject failed: ${error instanceof Error ? error.name : String(error)}`, true, { cause: error });
    }
  }
}
