// A provider preset: its signature scheme as data (a SchemeDescription for the declarative engine), the per-tenant
// settings it needs, its default clock tolerance, its doc link, and, where the provider proves the endpoint before
// sending, the handshake answer. Handshakes are answered only after the request's own authentication held (the
// engine's verdict for POSTs; the preset's check for GET verifications), never stored, counted as handshakes.
import type { DeclarativeKeys, DeclarativeRequest, SchemeDescription } from "../declarative";
import type { Rejection } from "../types";

export interface Handshake {
  readonly status?: number;
  readonly contentType: string;
  readonly body: string;
}

/** A setting a tenant gives for the preset (e.g. Square's notification URL); `secret` ones go with the secrets. */
export interface PresetSetting {
  readonly name: string;
  readonly doc: string;
  /** A value that must stay secret (Meta's verify token): it is read from the tenant's secret, never config. */
  readonly secret?: boolean;
}

export type PresetSettings = Readonly<Record<string, string>>;

export interface Preset {
  /** The scheme name: the provider's name in lower case. */
  readonly name: string;
  readonly provider: string;
  /** Where the provider documents its signature. */
  readonly docs: string;
  readonly description: SchemeDescription | ((settings: PresetSettings) => SchemeDescription);
  readonly settings?: readonly PresetSetting[];
  /** Default clock tolerance in seconds when the tenant sets none (providers document different windows). */
  readonly toleranceSeconds?: number;
  /** What the secret looks like, for messages and for generating local secrets. */
  readonly secretFormat: "utf8" | "hex32-ed25519" | "ecdsa-p256-der-base64";
  /** A POST that proves the endpoint: answered instead of enqueued, after the signature held. */
  readonly handshake?: (request: DeclarativeRequest, keys: DeclarativeKeys) => Handshake | undefined;
  /** A GET that proves the endpoint (Meta, Okta): authenticated by the preset itself, then answered. */
  readonly getHandshake?: (request: DeclarativeRequest, keys: DeclarativeKeys, settings: PresetSettings) => Handshake | Rejection;
  /** One line for the README's provider table: replay protection and event id, in words. */
  readonly notes: string;
}

export function descriptionOf(preset: Preset, settings: PresetSettings): SchemeDescription {
  return typeof preset.description === "function" ? preset.description(settings) : preset.description;
}
