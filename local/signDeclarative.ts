// Signs a request as a provider described by a SchemeDescription would: the local sender (`npm run send`, the
// local pipeline's tests) and the property tests use it, so a tenant can try a provider before the provider is
// configured. The inverse of handlers/core/verify/declarative.ts, written from the description alone.
import { createHmac, sign as signAsymmetric, type KeyObject } from "node:crypto";
import type { SchemeDescription, TimestampFormat } from "../handlers/core/verify/declarative";

export interface DeclarativeSigningRequest {
  readonly body: Buffer;
  /** Headers the request carries besides the signature (lower-case); the signer adds the ones it needs. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly url: string;
  readonly method?: string;
  readonly nowSeconds: number;
}

/** The signing key: HMAC or token bytes (the decoded secret), or the private key of an asymmetric scheme. */
export type SigningKey = Buffer | KeyObject;

export function formatTimestamp(seconds: number, format: TimestampFormat): string {
  if (format === "unix") return String(Math.floor(seconds));
  if (format === "unix-ms") return String(Math.floor(seconds * 1000));
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** The headers to send (the request's own plus signature and timestamp headers). Bodies with JSON timestamps must already hold them. */
export function signWithDescription(description: SchemeDescription, key: SigningKey, request: DeclarativeSigningRequest): Record<string, string> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  const spec = description.signature;
  const prefix = spec.prefix ?? "";
  if (spec.algorithm === "token") {
    headers[spec.header.toLowerCase()] = `${prefix}${(key as Buffer).toString("utf8")}`;
    return headers;
  }
  let timestamp: string | undefined;
  if (description.timestamp) {
    const from = description.timestamp.from;
    if ("json" in from) timestamp = jsonPathValue(request.body, from.json);
    else {
      timestamp = formatTimestamp(request.nowSeconds, description.timestamp.format);
      if ("header" in from) headers[from.header] = timestamp;
    }
  }
  const parts = description.signed.map((part): Buffer => {
    if ("body" in part) return request.body;
    if ("timestamp" in part) return Buffer.from(timestamp ?? "", "utf8");
    if ("header" in part) {
      const value = headers[part.header];
      if (value === undefined) throw new Error(`the request has no ${part.header} header to sign`);
      return Buffer.from(value, "utf8");
    }
    if ("url" in part) return Buffer.from(request.url, "utf8");
    if ("method" in part) return Buffer.from((request.method ?? "POST").toUpperCase(), "utf8");
    if ("json" in part) return Buffer.from(jsonPathValue(request.body, part.json), "utf8");
    return Buffer.from(part.literal, "utf8");
  });
  let signature: Buffer;
  if (spec.algorithm === "ed25519") signature = signAsymmetric(null, Buffer.concat(parts), key as KeyObject);
  else if (spec.algorithm === "ecdsa-p256-sha256") signature = signAsymmetric("sha256", Buffer.concat(parts), key as KeyObject);
  else {
    const mac = createHmac(spec.algorithm.slice("hmac-".length), key as Buffer);
    for (const part of parts) mac.update(part);
    signature = mac.digest();
  }
  const encoded = signature.toString(spec.encoding);
  if (spec.json !== undefined) throw new Error(`${spec.json}: a signature carried in the body is placed by the caller (see signatureForBody)`);
  const format = spec.format ?? { kind: "single" };
  if (format.kind === "single") headers[spec.header.toLowerCase()] = `${prefix}${encoded}`;
  else if (format.kind === "list") headers[spec.header.toLowerCase()] = `${prefix}${format.entryPrefix ?? ""}${encoded}`;
  else {
    const items = [
      ...(format.timestampKey !== undefined && timestamp !== undefined ? [`${format.timestampKey}${format.assign}${timestamp}`] : []),
      `${format.signatureKey}${format.assign}${prefix}${encoded}`,
    ];
    headers[spec.header.toLowerCase()] = items.join(format.separator);
  }
  return headers;
}

function jsonPathValue(body: Buffer, path: string): string {
  let value: unknown = JSON.parse(body.toString("utf8"));
  for (const key of path.split(".")) value = (value as Record<string, unknown>)[key];
  return String(value);
}
