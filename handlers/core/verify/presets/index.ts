// Every provider preset, by scheme name. Adding a provider: one file beside these (its scheme as data, its doc
// link), a line here, and its vectors in test/handlers/core/presets.test.ts.
import { bitbucket } from "./bitbucket";
import { calendly } from "./calendly";
import { coinbase } from "./coinbase";
import { discord } from "./discord";
import { gitlab } from "./gitlab";
import { hubspot } from "./hubspot";
import { intercom } from "./intercom";
import { linear } from "./linear";
import { mailgun } from "./mailgun";
import { meta } from "./meta";
import { mux } from "./mux";
import { okta } from "./okta";
import { paddle } from "./paddle";
import { pagerduty } from "./pagerduty";
import type { SchemeDescription } from "../declarative";
import { descriptionOf, type Preset, type PresetSettings } from "./preset";
import { sendgrid } from "./sendgrid";
import { sentry } from "./sentry";
import { square } from "./square";
import { twitch } from "./twitch";
import { typeform } from "./typeform";
import { vercel } from "./vercel";
import { workos } from "./workos";
import { zoom } from "./zoom";

export const PRESETS = [twitch, zoom, meta, discord, gitlab, bitbucket, square, paddle, linear, intercom, calendly, typeform, hubspot, mailgun, vercel, sentry, pagerduty, mux, workos, coinbase, sendgrid, okta] as const;

export type PresetName = (typeof PRESETS)[number]["name"];

export const PRESET_NAMES: readonly string[] = PRESETS.map((preset) => preset.name);

export function presetNamed(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}

/**
 * The description a declarative scheme verifies and signs by: the tenant's own for `custom`, else its preset's
 * with the tenant's settings; undefined for the schemes written as code (and for `custom` without one).
 */
export function schemeDescription(scheme: string, custom?: SchemeDescription, settings: PresetSettings = {}): SchemeDescription | undefined {
  if (scheme === "custom") return custom;
  const preset = presetNamed(scheme);
  return preset ? descriptionOf(preset, settings) : undefined;
}
