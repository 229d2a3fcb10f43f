// `ops event --tenant acme <eventId> [--out file]`: one stored event, headers and body byte for byte.
// A body up to the inline threshold is in the item; a larger one is in the bodies bucket behind the item's
// `bodyPointer` (handlers/core/claimCheck.ts), and bodyOf() fetches it from S3 and checks its sha256.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { GetItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { bodyPointerProblem } from "../handlers/core/claimCheck";
import { eventKey, storedEventHeadOf, storedMetadataOf } from "../handlers/core/eventItem";
import { bodyFromStored } from "../handlers/core/storedBody";
import { OpsError, requireTenant, UsageError } from "./args";
import type { Command } from "./command";

/**
 * The body of an item: inline (`body`), or fetched from the bodies bucket (`bodyPointer`), then checked against
 * the pointer's size and sha256 (what ingest verified and S3 was told to check on put).
 */
export async function bodyOf(item: Record<string, AttributeValue>, s3?: S3Client, expected?: { tenant: string; eventId: string; bucket?: string }): Promise<Buffer> {
  if (item.body?.B !== undefined) {
    // Stored gzip'ed when that made the item smaller (handlers/core/storedBody.ts): shown as received.
    const body = bodyFromStored(Buffer.from(item.body.B), item.bodyEncoding?.S, Number(item.size?.N));
    if (body === undefined) throw new OpsError(`the event's stored body does not decode (bodyEncoding ${item.bodyEncoding?.S ?? "none"}, size ${item.size?.N ?? "missing"})`);
    return body;
  }
  const pointer = item.bodyPointer?.M;
  if (pointer) {
    const bucket = pointer.bucket?.S;
    const key = pointer.key?.S;
    if (!bucket || !key) throw new OpsError("the event's bodyPointer has no bucket or key");
    if (expected) {
      // Read only what ingest would have written for this event (the worker's own check), and only from the
      // stack's bucket: an item pointing elsewhere is refused, never fetched with the operator's credentials.
      const problem = bodyPointerProblem({ bucket, key, size: Number(pointer.size?.N), sha256: pointer.sha256?.S }, expected.tenant, expected.eventId);
      if (problem) throw new OpsError(`the event's ${problem}`);
      if (expected.bucket !== undefined && bucket !== expected.bucket) throw new OpsError(`the event's body is in bucket ${bucket}, not the stack's bodies bucket ${expected.bucket}`);
    }
    if (!s3) throw new OpsError(`the event's body is in s3://${bucket}/${key} and no S3 client is available`);
    let body: Buffer;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = Buffer.from(await object.Body!.transformToByteArray());
    } catch (error) {
      const name = (error as Error).name;
      // The lifecycle rule expires bodies a day after the longest retention (components/bodyStore.ts).
      if (name === "NoSuchKey") throw new OpsError(`the event's body s3://${bucket}/${key} is gone (expired by the bucket's lifecycle rule, or never stored)`);
      throw new OpsError(`cannot read the event's body s3://${bucket}/${key}: ${name}: ${(error as Error).message}`);
    }
    const sha256 = createHash("sha256").update(body).digest("hex");
    if (body.length !== Number(pointer.size?.N) || sha256 !== pointer.sha256?.S) {
      throw new OpsError(`s3://${bucket}/${key} holds ${body.length} bytes hashing to ${sha256}, not the ${pointer.size?.N} bytes (${pointer.sha256?.S}) the event points at`);
    }
    return body;
  }
  return Buffer.alloc(0);
}

/** What `ops event` shows of an item besides its body, and a warning when the item is not as the workers write it. */
export function eventMetaOf(item: Record<string, AttributeValue>, tenant: string, eventId: string, size: number) {
  // Either item layout (handlers/core/eventItem.ts). A damaged item (no scheme or time, or a stored tenant or event
  // id other than its key's) still shows its headers and metadata: on-call inspects exactly those.
  const head = storedEventHeadOf(item);
  const { headers, unsignedHeaders, deliveryId, signedUrl } = storedMetadataOf(item);
  const meta = {
    eventId,
    receivedAt: head !== undefined ? new Date(head.receivedAt).toISOString() : "",
    scheme: typeof item.scheme?.S === "string" ? item.scheme.S : "",
    size,
    headers,
    unsignedHeaders,
    ...(deliveryId !== undefined ? { deliveryId } : {}),
    ...(signedUrl !== undefined ? { signedUrl } : {}),
  };
  const warning =
    head === undefined
      ? `warning: the item of event '${eventId}' (tenant ${tenant}) does not read as the workers write items (no scheme or time, or a stored tenant or event id other than its key's): a damaged or foreign item, shown as far as it reads`
      : undefined;
  return { meta, warning };
}

export const eventCommand: Command = {
  name: "event",
  summary: "one stored event: headers and body (body to a file or stdout, byte for byte)",
  help: `usage: npm run ops -- event --tenant <id> <eventId> [--out <file>] [--json] (--stack <s> | --local)

Reads the event's item (consistent read). Without --json: the metadata and headers on stderr and the raw body
on stdout (redirect it: > body.bin), or with --out the body written to that file. --json prints
{eventId, receivedAt, scheme, size, headers, unsignedHeaders, deliveryId?, signedUrl?, body} with
bodyEncoding: "base64" when the body is not UTF-8 text (the body is then base64).`,
  options: { tenant: { type: "string" }, out: { type: "string" } },
  positionals: 1,
  movesData: false,
  check(args) {
    if (typeof args.values.tenant !== "string") throw new UsageError("--tenant <id> is required");
    if (args.positionals.length !== 1) throw new UsageError("event: the event id is required: event --tenant <id> <eventId>");
  },
  async run({ target, args, report, json }) {
    const tenant = requireTenant(args.values, target.tenants);
    const eventId = args.positionals[0]!;
    const result = await target.clients.dynamodb.send(new GetItemCommand({ TableName: target.eventsTable, Key: { pk: { S: eventKey(tenant, eventId) } }, ConsistentRead: true }));
    const item = result.Item;
    if (!item) throw new OpsError(`no event '${eventId}' of tenant '${tenant}' in ${target.eventsTable}`);
    const body = await bodyOf(item, target.clients.s3, { tenant, eventId, bucket: target.bodiesBucket });
    const { meta, warning } = eventMetaOf(item, tenant, eventId, body.length);
    if (warning !== undefined) report.note(warning);
    const headers = meta.headers;
    const out = args.values.out as string | undefined;
    if (out !== undefined) writeFileSync(out, body);
    if (json) {
      const text = isUtf8(body);
      report.json({ ...meta, ...(text ? {} : { bodyEncoding: "base64" }), body: body.toString(text ? "utf8" : "base64") });
    } else {
      report.note(`event ${eventId} (tenant ${tenant}, ${meta.scheme}) received ${meta.receivedAt}, ${meta.size} bytes${meta.deliveryId ? `, delivery ${meta.deliveryId}` : ""}`);
      for (const [name, value] of Object.entries(headers)) report.note(`  ${name}: ${value}${meta.unsignedHeaders.includes(name) ? "   (unsigned)" : ""}`);
      if (out === undefined) report.out(body);
    }
    report.summary(`event ${eventId}: ${body.length} bytes${out !== undefined ? ` written to ${out}` : json ? "" : " on stdout"}`);
    return 0;
  },
};
