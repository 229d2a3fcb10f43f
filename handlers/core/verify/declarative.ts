// Declarative signature schemes: most providers sign some arrangement of the body, a timestamp, a header, the URL
// or the method with an HMAC (or an Ed25519/ECDSA key), so a provider is described as data (a preset, or a
// tenant's `scheme: custom` description) and verified here by one engine. Pure: no SDK, no clock of its own.
//
// The engine keeps the guarantees of the hand-written verifiers: raw bytes in; fails closed (400 for a malformed
// request, 401 for a signature that does not match); constant-time comparison; several secrets for rotation;
// bounded work whatever the sender puts in a header (SIGNATURE_LIMITS); and an event id taken only from signed
// material (a header only when the signed content includes it, a body field only when the body is signed, else
// derived from the verified signature).
import { createHmac, createPublicKey, verify as verifySignature, type KeyObject } from "node:crypto";
import { bodyHashEventId, constantTimeEqual, decodeBase64, decodeHex, macEventId } from "../crypto";
import { firstHeader } from "../headers";
import {
  badSignature,
  cappedDeliveryId,
  jsonStringField,
  malformedHeader,
  missingHeader,
  reject,
  SIGNATURE_LIMITS,
  usableId,
  type Rejection,
  type Verdict,
  type VerifyRequest,
} from "./types";

export const HMAC_ALGORITHMS = ["hmac-sha1", "hmac-sha256", "hmac-sha512"] as const;
export const ALGORITHMS = [...HMAC_ALGORITHMS, "ed25519", "ecdsa-p256-sha256", "token"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export const ENCODINGS = ["hex", "base64", "base64url"] as const;
export type SignatureEncoding = (typeof ENCODINGS)[number];
export const TIMESTAMP_FORMATS = ["unix", "unix-ms", "rfc3339"] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

/** How the signature header holds its signature(s). */
export type SignatureFormat =
  /** One signature: `<prefix><signature>`. */
  | { readonly kind: "single" }
  /** Several, e.g. `v1,<sig> v1,<sig>`: split on `separator`; entries without `entryPrefix` are skipped. */
  | { readonly kind: "list"; readonly separator: string; readonly entryPrefix?: string }
  /** Key/value items, e.g. `t=<ts>,v1=<sig>` or `ts=<ts>;h1=<sig>`: signatures under `signatureKey`, a timestamp under `timestampKey`. */
  | { readonly kind: "items"; readonly separator: string; readonly assign: string; readonly signatureKey: string; readonly timestampKey?: string };

export interface SignatureSpec {
  /** Header carrying the signature(s) (any case); for a signature carried in the body, the name used in messages. */
  readonly header: string;
  /** A (dotted) JSON path of the body holding the signature instead of a header (Mailgun). */
  readonly json?: string;
  readonly algorithm: Algorithm;
  /** How each signature is written (not used by `token`). */
  readonly encoding: SignatureEncoding;
  /** Literal text before the header's value, e.g. `sha256=` (for `items`, before each signature value). */
  readonly prefix?: string;
  readonly format?: SignatureFormat;
}

/** One part of the signed content; the parts are concatenated in order. */
export type SignedPart =
  | { readonly body: true }
  | { readonly timestamp: true }
  /** A request header's value (lower-case name); a request without it is refused. */
  | { readonly header: string }
  /** The full URL the sender addressed (scheme, host, path and query). */
  | { readonly url: true }
  /** The HTTP method, upper case. */
  | { readonly method: true }
  /** A (dotted) JSON path of the body: a value carried in the body but signed on its own (Mailgun's token). */
  | { readonly json: string }
  | { readonly literal: string };

export type TimestampSource =
  | { readonly header: string }
  /** The `timestampKey` item of an `items` signature header. */
  | { readonly item: true }
  /** A top-level string or number field of the JSON body. */
  | { readonly json: string };

export interface TimestampSpec {
  readonly from: TimestampSource;
  readonly format: TimestampFormat;
}

/** A signed header, or a (dotted) JSON path of the body that is signed (the whole body, or that path itself). */
export type EventIdSource = { readonly header: string } | { readonly json: string };

export interface SecretSpec {
  /** How the secret string becomes the key: as UTF-8, or decoded from base64 / hex (public keys: raw or DER). */
  readonly encoding: "utf8" | "base64" | "hex";
  /** A literal prefix removed before decoding (e.g. `whsec_`). */
  readonly stripPrefix?: string;
}

export interface SchemeDescription {
  readonly signature: SignatureSpec;
  /** What is signed, in order (empty for `token`: nothing is signed, the header holds the secret itself). */
  readonly signed: readonly SignedPart[];
  readonly timestamp?: TimestampSpec;
  /** Where the event id is; it must be signed. Absent: derived from the verified signature (or the body). */
  readonly eventId?: EventIdSource;
  /** A header carrying the sender's delivery id, kept as metadata (whether signed or not). */
  readonly deliveryIdHeader?: string;
  readonly secret: SecretSpec;
}

export class DescriptionError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "DescriptionError";
  }
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function only(field: string, value: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) throw new DescriptionError(`${field}.${key}`, "is not a known setting");
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) throw new DescriptionError(field, `must be one of ${allowed.join("|")}, got ${JSON.stringify(value)}`);
  return value as T;
}

function headerName(field: string, value: unknown): string {
  if (typeof value !== "string" || !HEADER_NAME.test(value)) throw new DescriptionError(field, `must be an HTTP header name, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

function text(field: string, value: unknown, { allowEmpty = false, max = 64 } = {}): string {
  if (typeof value !== "string" || (!allowEmpty && value === "") || value.length > max) throw new DescriptionError(field, `must be a string of ${allowEmpty ? 0 : 1}..${max} characters`);
  return value;
}

const JSON_PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,4}$/;

function jsonPath(field: string, value: unknown): string {
  if (typeof value !== "string" || !JSON_PATH.test(value)) throw new DescriptionError(field, `must be a JSON field or dotted path (at most 5 levels), got ${JSON.stringify(value)}`);
  return value;
}

function parseFormat(field: string, value: unknown): SignatureFormat {
  if (value === undefined) return { kind: "single" };
  if (!isObject(value)) throw new DescriptionError(field, "must be an object");
  const kind = oneOf(`${field}.kind`, value.kind, ["single", "list", "items"] as const);
  if (kind === "single") {
    only(field, value, ["kind"]);
    return { kind };
  }
  if (kind === "list") {
    only(field, value, ["kind", "separator", "entryPrefix"]);
    return {
      kind,
      separator: text(`${field}.separator`, value.separator, { max: 4 }),
      ...(value.entryPrefix !== undefined ? { entryPrefix: text(`${field}.entryPrefix`, value.entryPrefix, { max: 16 }) } : {}),
    };
  }
  only(field, value, ["kind", "separator", "assign", "signatureKey", "timestampKey"]);
  return {
    kind,
    separator: text(`${field}.separator`, value.separator, { max: 4 }),
    assign: text(`${field}.assign`, value.assign, { max: 4 }),
    signatureKey: text(`${field}.signatureKey`, value.signatureKey, { max: 16 }),
    ...(value.timestampKey !== undefined ? { timestampKey: text(`${field}.timestampKey`, value.timestampKey, { max: 16 }) } : {}),
  };
}

function parsePart(field: string, value: unknown): SignedPart {
  if (!isObject(value) || Object.keys(value).length !== 1) throw new DescriptionError(field, "must be one of {body: true}, {timestamp: true}, {header: <name>}, {url: true}, {method: true}, {literal: <text>}");
  if (value.body === true) return { body: true };
  if (value.timestamp === true) return { timestamp: true };
  if (value.url === true) return { url: true };
  if (value.method === true) return { method: true };
  if ("header" in value) return { header: headerName(`${field}.header`, value.header) };
  if ("json" in value) return { json: jsonPath(`${field}.json`, value.json) };
  if ("literal" in value) return { literal: text(`${field}.literal`, value.literal, { allowEmpty: false, max: 256 }) };
  throw new DescriptionError(field, "must be one of {body: true}, {timestamp: true}, {header: <name>}, {url: true}, {method: true}, {literal: <text>}");
}

/**
 * Validates a description (a tenant's `scheme: custom` settings, or a preset) and returns it typed. Every rule
 * that keeps the guarantees is checked here, so a bad description fails `npm run plan` / `pulumi up` at once with
 * the field named: the event id must be signed; a timestamp that is read must be signed; `token` signs nothing.
 */
export function parseDescription(value: unknown, field = "custom"): SchemeDescription {
  if (!isObject(value)) throw new DescriptionError(field, "must be an object { signature, signed, timestamp?, eventId?, deliveryIdHeader?, secret }");
  only(field, value, ["signature", "signed", "timestamp", "eventId", "deliveryIdHeader", "secret"]);

  const rawSignature = value.signature;
  if (!isObject(rawSignature)) throw new DescriptionError(`${field}.signature`, "must be an object { header, algorithm, encoding, prefix?, format? }");
  only(`${field}.signature`, rawSignature, ["header", "json", "algorithm", "encoding", "prefix", "format"]);
  const algorithm = oneOf(`${field}.signature.algorithm`, rawSignature.algorithm, ALGORITHMS);
  const signature: SignatureSpec = {
    header: headerName(`${field}.signature.header`, rawSignature.header),
    ...(rawSignature.json !== undefined ? { json: jsonPath(`${field}.signature.json`, rawSignature.json) } : {}),
    algorithm,
    encoding: algorithm === "token" && rawSignature.encoding === undefined ? "hex" : oneOf(`${field}.signature.encoding`, rawSignature.encoding, ENCODINGS),
    ...(rawSignature.prefix !== undefined ? { prefix: text(`${field}.signature.prefix`, rawSignature.prefix, { allowEmpty: true, max: 32 }) } : {}),
    format: parseFormat(`${field}.signature.format`, rawSignature.format),
  };

  if (!Array.isArray(value.signed)) throw new DescriptionError(`${field}.signed`, "must be a list of parts");
  if (value.signed.length > 12) throw new DescriptionError(`${field}.signed`, "must have at most 12 parts");
  const signed = value.signed.map((part, i) => parsePart(`${field}.signed[${i}]`, part));
  if (algorithm === "token" && signed.length > 0) throw new DescriptionError(`${field}.signed`, "must be empty for algorithm token (the header holds the secret itself)");
  if (algorithm !== "token" && signed.length === 0) throw new DescriptionError(`${field}.signed`, "must name what is signed");
  if (signed.filter((p) => "body" in p).length > 1) throw new DescriptionError(`${field}.signed`, "may hold the body once");
  // Whatever is not signed can be rewritten by anyone holding one captured request. A description that signs
  // neither the body nor a value carried in it (a timestamp, a literal, the method, a header) would accept any body
  // under one replayed signature, and give every event the same id.
  const signsBody = signed.some((p) => "body" in p);
  const signsBodyValues = signed.some((p) => "json" in p);
  if (algorithm !== "token" && !signsBody && !signsBodyValues) {
    throw new DescriptionError(`${field}.signed`, "must include the body ({body: true}): otherwise one captured request lets anyone send any body");
  }

  let timestamp: TimestampSpec | undefined;
  if (value.timestamp !== undefined) {
    const raw = value.timestamp;
    if (!isObject(raw)) throw new DescriptionError(`${field}.timestamp`, "must be an object { from, format }");
    only(`${field}.timestamp`, raw, ["from", "format"]);
    const from = raw.from;
    let source: TimestampSource;
    if (isObject(from) && "header" in from && Object.keys(from).length === 1) source = { header: headerName(`${field}.timestamp.from.header`, from.header) };
    else if (isObject(from) && from.item === true && Object.keys(from).length === 1) {
      if (signature.format?.kind !== "items" || signature.format.timestampKey === undefined) throw new DescriptionError(`${field}.timestamp.from`, "item needs signature.format items with a timestampKey");
      source = { item: true };
    } else if (isObject(from) && "json" in from && Object.keys(from).length === 1) source = { json: jsonPath(`${field}.timestamp.from.json`, from.json) };
    else throw new DescriptionError(`${field}.timestamp.from`, "must be {header: <name>}, {item: true} or {json: <field>}");
    timestamp = { from: source, format: oneOf(`${field}.timestamp.format`, raw.format, TIMESTAMP_FORMATS) };
    // A timestamp the signature does not cover protects nothing: a replay would just carry a fresh one.
    const covered =
      "json" in source
        ? signed.some((p) => "body" in p || ("json" in p && p.json === source.json)) || signed.some((p) => "timestamp" in p)
        : signed.some((p) => "timestamp" in p) || ("header" in source && signed.some((p) => "header" in p && p.header === source.header));
    if (!covered) throw new DescriptionError(`${field}.timestamp`, "is not covered by the signature: add {timestamp: true} (or the body, for a JSON field) to signed");
  } else if (signed.some((p) => "timestamp" in p)) {
    throw new DescriptionError(`${field}.signed`, "names the timestamp, but no timestamp says where it is");
  }

  let eventId: EventIdSource | undefined;
  if (value.eventId !== undefined) {
    const raw = value.eventId;
    if (isObject(raw) && "header" in raw && Object.keys(raw).length === 1) {
      const name = headerName(`${field}.eventId.header`, raw.header);
      if (!signed.some((p) => "body" in p)) throw new DescriptionError(`${field}.eventId.header`, "identifies an event only when the body is signed with it (add {body: true} to signed)");
      if (!signed.some((p) => "header" in p && p.header === name)) {
        throw new DescriptionError(`${field}.eventId.header`, `'${name}' is not signed: an unsigned id would let a replay pass as a new event (add {header: ${name}} to signed, or leave eventId out)`);
      }
      eventId = { header: name };
    } else if (isObject(raw) && "json" in raw && Object.keys(raw).length === 1) {
      const path = jsonPath(`${field}.eventId.json`, raw.json);
      if (!signed.some((p) => "body" in p || ("json" in p && p.json === path))) {
        throw new DescriptionError(`${field}.eventId.json`, "the body is not signed, so its fields cannot identify the event (unless that field itself is signed)");
      }
      eventId = { json: path };
    } else throw new DescriptionError(`${field}.eventId`, "must be {header: <name>} or {json: <field>}");
  }

  const rawSecret = value.secret;
  if (!isObject(rawSecret)) throw new DescriptionError(`${field}.secret`, "must be an object { encoding: utf8|base64|hex, stripPrefix? }");
  only(`${field}.secret`, rawSecret, ["encoding", "stripPrefix"]);
  const secret: SecretSpec = {
    encoding: oneOf(`${field}.secret.encoding`, rawSecret.encoding, ["utf8", "base64", "hex"] as const),
    ...(rawSecret.stripPrefix !== undefined ? { stripPrefix: text(`${field}.secret.stripPrefix`, rawSecret.stripPrefix, { max: 16 }) } : {}),
  };
  if ((algorithm === "ed25519" || algorithm === "ecdsa-p256-sha256") && secret.encoding === "utf8") {
    throw new DescriptionError(`${field}.secret.encoding`, `a ${algorithm} public key is hex or base64, not utf8`);
  }

  return {
    signature,
    signed,
    ...(timestamp ? { timestamp } : {}),
    ...(eventId ? { eventId } : {}),
    ...(value.deliveryIdHeader !== undefined ? { deliveryIdHeader: headerName(`${field}.deliveryIdHeader`, value.deliveryIdHeader) } : {}),
    secret,
  };
}

/** Prepared keys: HMAC and token keys as bytes, public keys as KeyObjects. */
export type DeclarativeKeys = { readonly kind: "bytes"; readonly keys: readonly Buffer[] } | { readonly kind: "public"; readonly keys: readonly KeyObject[] };

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Turns a tenant's secrets into keys; throws (never echoing a secret) on one that does not fit the description. */
export function prepareDeclarativeKeys(description: SchemeDescription, secrets: readonly string[]): DeclarativeKeys {
  if (secrets.length === 0) throw new Error("no secret configured");
  const bytes = secrets.map((secret, index) => {
    if (secret.trim() === "" || secret.trim() !== secret) throw new Error(`secret #${index}: is blank or has surrounding whitespace`);
    const { stripPrefix, encoding } = description.secret;
    if (stripPrefix !== undefined && !secret.startsWith(stripPrefix)) throw new Error(`secret #${index}: expected the prefix ${stripPrefix}`);
    const body = stripPrefix !== undefined ? secret.slice(stripPrefix.length) : secret;
    const decoded = encoding === "utf8" ? Buffer.from(body, "utf8") : encoding === "hex" ? decodeHex(body) : decodeBase64(body) ?? decodeBase64Url(body);
    if (!decoded || decoded.length === 0) throw new Error(`secret #${index}: is not ${encoding}`);
    if (encoding === "utf8" && decoded.length < 8) throw new Error(`secret #${index}: must be at least 8 characters`);
    return decoded;
  });
  const { algorithm } = description.signature;
  if (algorithm === "ed25519") {
    return {
      kind: "public",
      keys: bytes.map((raw, index) => {
        if (raw.length !== 32) throw new Error(`secret #${index}: an Ed25519 public key is 32 bytes`);
        return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
      }),
    };
  }
  if (algorithm === "ecdsa-p256-sha256") {
    return {
      kind: "public",
      keys: bytes.map((der, index) => {
        try {
          const key = createPublicKey({ key: der, format: "der", type: "spki" });
          if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error("not P-256");
          return key;
        } catch {
          throw new Error(`secret #${index}: expected a P-256 public key (SubjectPublicKeyInfo DER)`);
        }
      }),
    };
  }
  return { kind: "bytes", keys: bytes };
}

/** Strict base64url (no padding, canonical), the encoding some providers use for signatures. */
export function decodeBase64Url(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) return undefined;
  const bytes = Buffer.from(value, "base64url");
  return bytes.toString("base64url") === value ? bytes : undefined;
}

function decodeSignature(encoding: SignatureEncoding, value: string): Buffer | undefined {
  if (encoding === "hex") return decodeHex(value);
  if (encoding === "base64") return decodeBase64(value);
  return decodeBase64Url(value);
}

/** The request as the engine reads it: the verifier's request plus the method. */
export type DeclarativeRequest = VerifyRequest & { readonly method?: string };

interface Candidates {
  readonly signatures: readonly Buffer[];
  readonly itemTimestamp?: string;
}

function candidatesOf(spec: SignatureSpec, value: string): Candidates | Rejection {
  const name = spec.header.toLowerCase();
  if (value.length > SIGNATURE_LIMITS.maxHeaderLength) return malformedHeader(name, `longer than ${SIGNATURE_LIMITS.maxHeaderLength} characters`);
  const format = spec.format ?? { kind: "single" };
  const prefix = spec.prefix ?? "";
  const seen = new Set<string>();
  const signatures: Buffer[] = [];
  const add = (raw: string): Rejection | undefined => {
    const decoded = decodeSignature(spec.encoding, raw.trim());
    if (!decoded) return undefined;
    const key = decoded.toString("hex");
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (signatures.length === SIGNATURE_LIMITS.maxEntries) return malformedHeader(name, `more than ${SIGNATURE_LIMITS.maxEntries} distinct signatures`);
    signatures.push(decoded);
    return undefined;
  };
  if (format.kind === "single") {
    if (!value.startsWith(prefix)) return malformedHeader(name, `expected prefix '${prefix}'`);
    const problem = add(value.slice(prefix.length));
    if (problem) return problem;
    return signatures.length > 0 ? { signatures } : malformedHeader(name, `expected a ${spec.encoding} signature`);
  }
  if (format.kind === "list") {
    const body = value.startsWith(prefix) ? value.slice(prefix.length) : value;
    for (const entry of body.split(format.separator)) {
      const trimmed = entry.trim();
      if (format.entryPrefix !== undefined && !trimmed.startsWith(format.entryPrefix)) continue;
      const problem = add(format.entryPrefix !== undefined ? trimmed.slice(format.entryPrefix.length) : trimmed);
      if (problem) return problem;
    }
    return signatures.length > 0 ? { signatures } : malformedHeader(name, "no signature entry");
  }
  let itemTimestamp: string | undefined;
  // What each item name holds (item names are public protocol words, not secrets).
  const roles = new Map<string, "timestamp" | "signature">([[format.signatureKey, "signature"]]);
  if (format.timestampKey !== undefined) roles.set(format.timestampKey, "timestamp");
  for (const item of value.split(format.separator)) {
    const at = item.indexOf(format.assign);
    if (at < 0) continue;
    const role = roles.get(item.slice(0, at).trim());
    const itemValue = item.slice(at + format.assign.length).trim();
    if (role === "timestamp") itemTimestamp = itemValue;
    else if (role === "signature") {
      if (!itemValue.startsWith(prefix)) continue;
      const problem = add(itemValue.slice(prefix.length));
      if (problem) return problem;
    }
  }
  if (signatures.length === 0) return malformedHeader(name, `no ${format.signatureKey}${format.assign} signature`);
  return { signatures, itemTimestamp };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Seconds since the epoch of a timestamp in `format`, or undefined when it is not one. */
export function timestampSeconds(value: string, format: TimestampFormat): number | undefined {
  if (format === "unix") return /^\d{1,12}$/.test(value) ? Number(value) : undefined;
  if (format === "unix-ms") return /^\d{1,15}$/.test(value) ? Number(value) / 1000 : undefined;
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value.replace(" ", "T"));
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Bodies parsed once per request (a dotted path, or a number, needs the whole document). */
const parsedBodies = new WeakMap<Buffer, unknown>();
const UNPARSABLE = Symbol("unparsable");

function parsedOnce(body: Buffer): unknown {
  if (!parsedBodies.has(body)) {
    let value: unknown = UNPARSABLE;
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch {
      /* stays UNPARSABLE */
    }
    parsedBodies.set(body, value);
  }
  return parsedBodies.get(body);
}

/**
 * A JSON field of the body as text (strings, and finite numbers for timestamps, or only safe integers where the
 * text must tell values apart, as an event id must); a dotted path descends into
 * objects. A top-level field is read by the bounded scanner; where the scanner finds no string member (a number,
 * or a name present twice) the document is parsed once per request, and a string name present twice still reads
 * as absent (parsers disagree on which copy wins: jsonScan.ts). A number present twice (a timestamp) reads as the
 * last copy, as JSON.parse has it; it is signed either way.
 */
export function jsonField(body: Buffer, path: string, numbers: "finite" | "safe integers" = "finite"): string | undefined {
  if (!path.includes(".")) {
    const asString = jsonStringField(body, path);
    if (asString !== undefined) return asString;
  }
  if (body.length === 0 || body[0] !== 0x7b) return undefined;
  let value = parsedOnce(body);
  if (value === UNPARSABLE) return undefined;
  for (const key of path.split(".")) {
    if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = value[key];
  }
  if (typeof value === "string") {
    // The scanner saw no usable string member at the top level: absent, or present more than once.
    return path.includes(".") && value !== "" ? value : undefined;
  }
  // Number.isFinite and isSafeInteger are false for anything but a number (no coercion).
  return (numbers === "finite" ? Number.isFinite(value) : Number.isSafeInteger(value)) ? String(value) : undefined;
}

/**
 * Verifies a request against a description. `toleranceSeconds` bounds the clock skew of a signed timestamp in
 * both directions. Never throws on any input (verifySafely guards it anyway).
 */
export function verifyDeclarative(description: SchemeDescription, request: DeclarativeRequest, keys: DeclarativeKeys, toleranceSeconds: number): Verdict {
  const spec = description.signature;
  const headerValue = spec.json !== undefined ? jsonField(request.body, spec.json) : firstHeader(request.headers, spec.header.toLowerCase());
  if (headerValue === undefined) return spec.json !== undefined ? reject(400, "malformed_body", `no signature at ${spec.json}`) : missingHeader(spec.header.toLowerCase());

  if (spec.algorithm === "token") {
    // Nothing is signed: the header carries the shared secret. The request is authentic, its content unbound.
    const provided = Buffer.from(headerValue.startsWith(spec.prefix ?? "") ? headerValue.slice((spec.prefix ?? "").length) : "", "utf8");
    const matched = keys.kind === "bytes" && keys.keys.some((key) => constantTimeEqual(provided, key));
    if (!matched) return badSignature();
    return accepted(description, request, () => bodyHashEventId(request.body));
  }

  const candidates = candidatesOf(spec, headerValue);
  if ("ok" in candidates) return candidates;

  let timestampText: string | undefined;
  // A timestamp read from a signed body needs no reading before the signature holds: check the signature first,
  // so an unsigned request never costs a parse of the body.
  const deferTimestamp =
    description.timestamp !== undefined && "json" in description.timestamp.from && !description.signed.some((p) => "timestamp" in p) && description.signed.some((p) => "body" in p);
  if (description.timestamp && !deferTimestamp) {
    const problem = readTimestamp();
    if (problem) return problem;
  }
  function readTimestamp(): Rejection | undefined {
    const timestampSpec = description.timestamp!;
    const from = timestampSpec.from;
    const where = "header" in from ? from.header : "item" in from ? `${spec.header.toLowerCase()} timestamp` : `body field ${from.json}`;
    timestampText = "header" in from ? firstHeader(request.headers, from.header) : "item" in from ? (candidates as Candidates).itemTimestamp : jsonField(request.body, from.json);
    if (timestampText === undefined) return "header" in from ? missingHeader(from.header) : malformedHeader(spec.header.toLowerCase(), `no timestamp (${where})`);
    const seconds = timestampSeconds(timestampText, timestampSpec.format);
    if (seconds === undefined) return "json" in from ? reject(400, "malformed_body", `${where} is not a ${timestampSpec.format} timestamp`) : malformedHeader(where, `expected ${timestampSpec.format}`);
    if (Math.abs(request.nowSeconds - seconds) > toleranceSeconds) return reject(401, "timestamp_out_of_tolerance", `${where} is outside the ${toleranceSeconds}s tolerance`);
    return undefined;
  }

  const parts: (string | Buffer)[] = [];
  for (const part of description.signed) {
    if ("body" in part) parts.push(request.body);
    else if ("timestamp" in part) parts.push(timestampText ?? "");
    else if ("header" in part) {
      const value = firstHeader(request.headers, part.header);
      if (value === undefined) return missingHeader(part.header);
      parts.push(value);
    } else if ("url" in part) parts.push(request.url);
    else if ("method" in part) parts.push((request.method ?? "POST").toUpperCase());
    else if ("json" in part) {
      const value = jsonField(request.body, part.json);
      if (value === undefined) return reject(400, "malformed_body", `no ${part.json} in the body`);
      parts.push(value);
    } else parts.push(part.literal);
  }

  if (spec.algorithm === "ed25519" || spec.algorithm === "ecdsa-p256-sha256") {
    if (keys.kind !== "public") return badSignature();
    // Asymmetric verification is not streaming: one copy of the signed content, only for these schemes.
    const content = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
    for (const key of keys.keys) {
      for (const candidate of candidates.signatures) {
        if (spec.algorithm === "ed25519" ? candidate.length === 64 && verifySignature(null, content, key, candidate) : verifySignature("sha256", content, key, candidate)) {
          if (deferTimestamp) {
            const problem = readTimestamp();
            if (problem) return problem;
          }
          // The signature is not a function of the content alone (ECDSA is randomised): identify by the content,
          // or by the body when a signed timestamp makes the content differ on every retry.
          const retriesChangeTheContent = description.timestamp !== undefined && description.signed.some((p) => "body" in p);
          return accepted(description, request, () => bodyHashEventId(retriesChangeTheContent ? request.body : content));
        }
      }
    }
    return badSignature();
  }

  if (keys.kind !== "bytes") return badSignature();
  const digest = spec.algorithm === "hmac-sha1" ? "sha1" : spec.algorithm === "hmac-sha256" ? "sha256" : "sha512";
  for (const key of keys.keys) {
    const mac = createHmac(digest, key);
    for (const part of parts) mac.update(part);
    const expected = mac.digest();
    if (candidates.signatures.some((candidate) => constantTimeEqual(candidate, expected))) {
      if (deferTimestamp) {
        const problem = readTimestamp();
        if (problem) return problem;
      }
      // A signed timestamp changes on every retry, and so does the MAC: then the (signed) body identifies the
      // event. Without one, the MAC is a function of exactly the signed bytes, at no extra pass over the body.
      const retriesChangeTheMac = description.timestamp !== undefined && description.signed.some((p) => "body" in p);
    // (Without a signed body, e.g. Mailgun's timestamp + token, the MAC identifies exactly what is signed.)
      return accepted(description, request, () => (retriesChangeTheMac ? bodyHashEventId(request.body) : macEventId(expected)));
    }
  }
  return badSignature();
}

/** `fallbackId` is computed only when the description's own id is absent (it may cost a pass over the body). */
function accepted(description: SchemeDescription, request: DeclarativeRequest, fallbackId: () => string): Verdict {
  const signedHeaders = [
    ...description.signed.flatMap((p) => ("header" in p ? [p.header] : [])),
    ...(description.timestamp && "header" in description.timestamp.from && description.signed.some((p) => "timestamp" in p) ? [description.timestamp.from.header] : []),
  ];
  let eventId: string | undefined;
  if (description.eventId && "header" in description.eventId) eventId = usableId(firstHeader(request.headers, description.eventId.header));
  // A number identifies an event only while it is exact: past 2^53 (or with a fraction) distinct ids in the body
  // parse to one double, and the second event would be dropped as a duplicate of the first. Then the fallback id,
  // which a provider's retry of the event reproduces: a JSON id needs the body signed (the fallback is then the body
  // hash when a timestamp is signed, else the MAC of unchanged bytes), or that field signed, whose text a number
  // printed back would not match (such a request never verifies).
  else if (description.eventId && "json" in description.eventId) eventId = usableId(jsonField(request.body, description.eventId.json, "safe integers"));
  return {
    ok: true,
    eventId: eventId ?? fallbackId(),
    deliveryId: description.deliveryIdHeader ? cappedDeliveryId(firstHeader(request.headers, description.deliveryIdHeader)) : undefined,
    signedHeaders: [...new Set(signedHeaders)],
  };
}
