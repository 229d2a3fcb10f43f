// Verifiers for the declarative schemes: a provider preset (presets/) or a tenant's `custom` description, both
// run by the engine in declarative.ts. A preset adds its handshakes, answered only after the request's own
// authentication held, and may read secret settings from the tenant's secret list (Meta's verify token, kept
// there as `verifyToken:<token>` so it is never plain config).
import { ConfigError } from "../errors";
import { prepareDeclarativeKeys, verifyDeclarative, type DeclarativeKeys } from "./declarative";
import { presetNamed, schemeDescription } from "./presets";
import type { Acceptance, TenantScheme, Verdict, Verifier, VerifierOptions } from "./types";

export interface PreparedDeclarative {
  readonly keys: DeclarativeKeys;
  /** Secret settings found in the secret list (`<name>:<value>` entries naming a preset's secret setting). */
  readonly secretSettings: Readonly<Record<string, string>>;
}

const handshakeVerdict = (handshake: { contentType: string; body: string }): Acceptance => ({ ok: true, eventId: "handshake", signedHeaders: [], handshake });

export function declarativeVerifier(options: VerifierOptions): Verifier<PreparedDeclarative> {
  const preset = presetNamed(options.scheme);
  const description = schemeDescription(options.scheme, options.description, options.presetSettings);
  if (!description) throw new ConfigError(options.scheme === "custom" ? "scheme custom needs its description" : `unknown scheme '${options.scheme}'`);
  const secretSettingNames = new Set((preset?.settings ?? []).filter((s) => s.secret).map((s) => s.name));
  const tolerance = options.toleranceSeconds;
  return {
    scheme: options.scheme as TenantScheme,
    prepare(secrets) {
      const secretSettings: Record<string, string> = {};
      const signing = secrets.filter((secret, index) => {
        const at = secret.indexOf(":");
        const name = at > 0 ? secret.slice(0, at) : "";
        if (!secretSettingNames.has(name)) return true;
        // A blank or short setting would open what it guards (Meta: anyone could answer the subscription).
        if (secret.length - at - 1 < 8) throw new Error(`secret #${index}: ${name} must be at least 8 characters`);
        secretSettings[name] = secret.slice(at + 1);
        return false;
      });
      return { keys: prepareDeclarativeKeys(description, signing), secretSettings };
    },
    verify(request, prepared): Verdict {
      const verdict = verifyDeclarative(description, request, prepared.keys, tolerance);
      if (!verdict.ok || !preset?.handshake) return verdict;
      const handshake = preset.handshake(request, prepared.keys);
      return handshake ? { ...verdict, handshake } : verdict;
    },
    ...(preset?.getHandshake
      ? {
          verifyGet(request, prepared): Verdict {
            const answer = preset!.getHandshake!(request, prepared.keys, { ...(options.presetSettings ?? {}), ...prepared.secretSettings });
            return "ok" in answer ? answer : handshakeVerdict(answer);
          },
        }
      : {}),
  };
}
