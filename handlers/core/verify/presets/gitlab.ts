// GitLab webhooks: `X-Gitlab-Token` carries the secret token itself (compared in constant time). Nothing is
// signed: the request is authenticated, its body is not integrity-protected, and GitLab's id headers are unsigned.
// https://docs.gitlab.com/user/project/integrations/webhooks/#validate-payloads-by-using-a-secret-token
import type { Preset } from "./preset";

export const gitlab: Preset = {
  name: "gitlab",
  provider: "GitLab",
  docs: "https://docs.gitlab.com/user/project/integrations/webhooks/#validate-payloads-by-using-a-secret-token",
  description: {
    signature: { header: "x-gitlab-token", algorithm: "token", encoding: "hex" },
    signed: [],
    deliveryIdHeader: "x-gitlab-event-uuid",
    secret: { encoding: "utf8" },
  },
  secretFormat: "utf8",
  notes: "shared token, nothing signed; id = body hash; X-Gitlab-Event-UUID kept as metadata",
};
