// Item fixtures shared by the item-size tests: a ~2 KiB webhook as providers send them, and an item's size as
// DynamoDB bills it.
import { createHash } from "node:crypto";

/** A webhook as providers send them: ~2 KiB of JSON with repeated keys, URLs and ids. */
export function sampleWebhook(): Buffer {
  const repo = { id: 1296269, name: "hello-world", full_name: "octo/hello-world", private: false, html_url: "https://github.com/octo/hello-world", description: "This your first repo!", fork: false, url: "https://api.github.com/repos/octo/hello-world" };
  // Commit ids are hashes (incompressible), as in a real push.
  const sha = (i: number) => createHash("sha1").update(`commit ${i}`).digest("hex");
  const commits = Array.from({ length: 5 }, (_, i) => ({ id: sha(i), message: `Change ${i}: ${["fix the parser", "bump deps", "docs", "refactor retries", "add tests"][i]}`, timestamp: `2026-11-27T12:0${i}:00Z`, url: `https://github.com/octo/hello-world/commit/${sha(i)}`, author: { name: "Monalisa Octocat", email: "mona@github.com", username: "octocat" }, added: [], removed: [], modified: ["README.md"] }));
  return Buffer.from(JSON.stringify({ ref: "refs/heads/main", before: sha(100), after: sha(4), repository: repo, pusher: { name: "octocat", email: "mona@github.com" }, sender: { login: "octocat", id: 1, type: "User", site_admin: false }, commits }));
}

/**
 * An item's size as DynamoDB bills it: each attribute's name plus its value (strings and binaries by length,
 * numbers ~1 byte per 2 digits + 1, maps and lists 3 bytes + their elements, each element 1 byte more).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemBytes(item: Record<string, { S?: string; N?: string; B?: Uint8Array; M?: Record<string, unknown>; L?: unknown[] }>): number {
  const valueBytes = (value: { S?: string; N?: string; B?: Uint8Array; M?: Record<string, unknown>; L?: unknown[] }): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return Math.ceil(value.N.replace(/^-/, "").replace(".", "").length / 2) + 1;
    if (value.B !== undefined) return value.B.length;
    if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, inner]) => sum + Buffer.byteLength(name) + valueBytes(inner as never) + 1, 0);
    if (value.L !== undefined) return 3 + value.L.reduce<number>((sum, inner) => sum + valueBytes(inner as never) + 1, 0);
    throw new Error(`unsized attribute ${JSON.stringify(value)}`);
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}


/**
 * A GitHub push as it reaches the worker: every header GitHub sends that ingest keeps, its delivery id, a MAC-derived
 * event id, and the sample body (2,230 B, ~0.29 gzip'ed). What the item-size figures (tests, `npm run cost`) use.
 */
export function sampleGithubEnvelope(tenant = "acme-github") {
  return {
    tenant,
    eventId: `sig:${"ab".repeat(32)}`,
    scheme: "github" as const,
    receivedAt: 1_764_244_800_000,
    headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/8e03811", "x-github-event": "push", "x-github-hook-id": "512345678" },
    unsignedHeaders: ["content-type", "user-agent", "x-github-event", "x-github-hook-id"],
    deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    body: sampleWebhook(),
  };
}
