// The preset scheme names, with no imports, so the scheme types can list them without loading the presets
// (test/handlers/core/presets.test.ts checks this list against the presets themselves).
export const PRESET_SCHEMES = [
  "twitch",
  "zoom",
  "meta",
  "discord",
  "gitlab",
  "bitbucket",
  "square",
  "paddle",
  "linear",
  "intercom",
  "calendly",
  "typeform",
  "hubspot",
  "mailgun",
  "vercel",
  "sentry",
  "pagerduty",
  "mux",
  "workos",
  "coinbase",
  "sendgrid",
  "okta",
] as const;

export type PresetScheme = (typeof PRESET_SCHEMES)[number];
