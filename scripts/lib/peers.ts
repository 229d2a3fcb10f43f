// The official webhook libraries the bench measures next to this project's verifiers. They live in their own
// package (bench/peers, with its own lock) so the root install stays lean; the bench installs them on first use
// with `npm ci` there. Each peer is given the request as its API wants it (a string body is converted once,
// outside the timing) and must accept it: a peer that rejects the bench's request is reported, not timed.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export const PEERS_DIR = path.resolve(__dirname, "..", "..", "bench", "peers");

export function ensurePeers(log: (line: string) => void): boolean {
  if (existsSync(path.join(PEERS_DIR, "node_modules", "svix"))) return true;
  log(`installing the official libraries into ${path.relative(process.cwd(), PEERS_DIR)} (npm ci, first run only)...`);
  try {
    execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: PEERS_DIR, stdio: ["ignore", "ignore", "inherit"] });
    return true;
  } catch (error) {
    log(`could not install the official libraries (${(error as Error).message}); peers are left out`);
    return false;
  }
}

/** One verification by a peer; throws when the peer rejects. */
export type PeerOp = () => unknown;

export interface PeerInput {
  readonly body: Buffer;
  readonly text: string;
  readonly headers: Record<string, string>;
  readonly secret: string;
}

export interface Peer {
  readonly name: string;
  /** Which of this project's schemes it verifies. */
  readonly scheme: string;
  readonly async: boolean;
  make(input: PeerInput): PeerOp;
}

export async function loadPeers(): Promise<Peer[]> {
  const req = createRequire(path.join(PEERS_DIR, "package.json"));
  const { Webhook: StandardWebhook } = req("standardwebhooks") as { Webhook: new (secret: string) => { verify(payload: string | Buffer, headers: Record<string, string>): unknown } };
  const { Webhook: SvixWebhook } = req("svix") as { Webhook: new (secret: string) => { verify(payload: string | Buffer, headers: Record<string, string>): unknown } };
  const stripe = req("stripe") as { webhooks: { constructEvent(payload: string | Buffer, header: string, secret: string, tolerance?: number): unknown } };
  const bolt = req("@slack/bolt") as { verifySlackRequest(options: { signingSecret: string; body: string; headers: Record<string, string | number> }): void };
  // ESM only; its package "exports" resolve for import, not require.
  const octokit = (await import(pathToFileURL(path.join(PEERS_DIR, "node_modules", "@octokit", "webhooks-methods", "dist-node", "index.js")).href)) as {
    verify(secret: string, payload: string, signature: string): Promise<boolean>;
  };
  return [
    { name: "standardwebhooks", scheme: "standard-webhooks", async: false, make: ({ body, headers, secret }) => { const wh = new StandardWebhook(secret); return () => wh.verify(body, headers); } },
    { name: "svix", scheme: "standard-webhooks", async: false, make: ({ body, headers, secret }) => { const wh = new SvixWebhook(secret); const h = { "svix-id": headers["webhook-id"]!, "svix-timestamp": headers["webhook-timestamp"]!, "svix-signature": headers["webhook-signature"]! }; return () => wh.verify(body, h); } },
    { name: "stripe constructEvent", scheme: "stripe", async: false, make: ({ body, headers, secret }) => () => stripe.webhooks.constructEvent(body, headers["stripe-signature"]!, secret, 300) },
    {
      name: "@octokit/webhooks-methods",
      scheme: "github",
      async: true,
      make: ({ text, headers, secret }) => async () => {
        if (!(await octokit.verify(secret, text, headers["x-hub-signature-256"]!))) throw new Error("octokit rejected");
      },
    },
    {
      name: "@slack/bolt verifySlackRequest",
      scheme: "slack",
      async: false,
      make: ({ text, headers, secret }) => () => bolt.verifySlackRequest({ signingSecret: secret, body: text, headers: { "x-slack-signature": headers["x-slack-signature"]!, "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]) } }),
    },
  ];
}
