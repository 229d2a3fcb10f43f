import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BodyPointer } from "../core/claimCheck";
import { BodyStoreError } from "../core/errors";

export interface BodyStorePort {
  /** Resolves once S3 has durably stored the body at the pointer; throws BodyStoreError otherwise. */
  put(pointer: BodyPointer, body: Buffer): Promise<void>;
}

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
      await this.client.send(
        new PutObjectCommand({
          Bucket: pointer.bucket,
          Key: pointer.key,
          Body: body,
          ContentLength: body.length,
          ContentType: "application/octet-stream",
          ChecksumSHA256: Buffer.from(pointer.sha256, "hex").toString("base64"),
        }),
      );
    } catch (error) {
      throw new BodyStoreError(`PutObject failed: ${error instanceof Error ? error.name : String(error)}`, true, { cause: error });
    }
  }
}
