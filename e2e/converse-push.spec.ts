import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import type { PushLogEntry, PushLogResponse } from "../src/protocol/push-log";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// Issue 10's "Done when": a third-party client that checks the App Server's disco identity,
// Converse.js 14 and its push plugin (src/plugins/push/utils.js in the package: it asks the
// service for identity pubsub/push and feature urn:xmpp:push:0 before it sends `enable`), enables
// push towards the playground's sink on the reference server. Converse logs in with its defaults
// (SCRAM-SHA-1): the playground's PLAIN login registers the fresh account first, as the reference
// server's dev registration requires. The session shows up as an outside lane (issue 12).
//
// The npm package cannot be installed as a dependency (a `file:` dependency and a missing
// libomemo.js), but `npm pack` fetches its tarball from the registry, and dist/converse.min.js is
// the whole client. It is unpacked once into test-results/.cache (gitignored) and served to a
// page on the app's origin (the reference server accepts WebSocket pages from 127.0.0.1 only).

const CONVERSE_VERSION = "14.0.0";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, "test-results", ".cache", `converse-${CONVERSE_VERSION}`);
const DIST = join(CACHE, "package", "dist");

function ensureConverse(): void {
  if (existsSync(join(DIST, "converse.min.js"))) return;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  try {
    const tarball = execFileSync("npm", ["pack", `converse.js@${CONVERSE_VERSION}`, "--silent", "--pack-destination", CACHE], { cwd: CACHE, encoding: "utf8", timeout: 240_000 }).trim().split("\n").pop()!;
    execFileSync("tar", ["-xzf", join(CACHE, tarball), "-C", CACHE, "package/dist"], { timeout: 60_000 });
  } catch (err) {
    throw new Error(`could not fetch converse.js@${CONVERSE_VERSION} with npm pack (the npm registry must be reachable): ${(err as Error).message}`, { cause: err });
  }
  if (!existsSync(join(DIST, "converse.min.js"))) throw new Error(`converse.js@${CONVERSE_VERSION}'s tarball has no package/dist/converse.min.js`);
}

test.beforeAll(() => {
  test.setTimeout(300_000);
  ensureConverse();
});

/**
 * A loopback HTTP server for a page that loads Converse from the cache and logs in with `settings`.
 * Served for real, not through page.route: Chromium lets only a page it fetched from a loopback
 * address open a WebSocket to 127.0.0.1 (Local Network Access), and the reference server accepts
 * pages from 127.0.0.1 on any port.
 */
async function serveConverse(settings: Record<string, unknown>): Promise<{ url: string; close: () => Promise<void> }> {
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Converse.js ${CONVERSE_VERSION}</title>
<link rel="stylesheet" href="/dist/converse.min.css"></head><body class="converse-fullscreen">
<script type="module">
// Converse 14's dist is an ES module (it also sets window.converse).
import converse from "/dist/converse.min.js";
converse.initialize(${JSON.stringify(settings)});
</script></body></html>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
      return;
    }
    const file = normalize(join(CACHE, "package", path));
    // Only files of the unpacked dist folder, never a path that climbs out of it.
    if (!file.startsWith(DIST + sep) || !existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not in converse's dist");
      return;
    }
    res.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

async function serverLog(page: Page, baseURL: string, account: string): Promise<PushLogEntry[]> {
  const response = await page.request.get(`${baseURL}/xmpp-push/log?account=${encodeURIComponent(account)}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as PushLogResponse).entries;
}

test("Converse.js 14's push plugin enables push towards the playground's sink", async ({ page, context, baseURL }) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  const accounts = freshAccounts("converse");
  await pg.useAccounts(accounts);
  // Logs alice in with PLAIN (dev registration) and brings the sink online to answer disco#info.
  await pg.connectAll();
  const service = await pg.resolvedService();
  const account = `${accounts.account}@localhost`;
  const sinkJid = `${accounts.sink}@localhost/sink`;

  const converse = await context.newPage();
  // The login screen shows sponsor logos from conversejs.org: the test needs no network but npm's.
  await converse.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const converseSite = await serveConverse({
    assets_path: "/dist/",
    authentication: "login",
    auto_login: true,
    jid: `${account}/converse`,
    password: "pass",
    websocket_url: service,
    discover_connection_methods: false,
    auto_reconnect: false,
    view_mode: "fullscreen",
    play_sounds: false,
    loglevel: "warn",
    push_app_servers: [{ jid: sinkJid, node: "converse-node" }],
  });
  await converse.goto(converseSite.url);

  // The reference server recorded Converse's enable, accepted, towards the sink.
  await expect
    .poll(async () => (await serverLog(page, baseURL!, account)).find((e) => e.kind === "enable" && e.resource === "converse"), { timeout: 30_000 })
    .toMatchObject({ kind: "enable", resource: "converse", key: { jid: sinkJid, node: "converse-node" }, registration: { jid: sinkJid, node: "converse-node" } });
  const enable = (await serverLog(page, baseURL!, account)).find((e) => e.kind === "enable" && e.resource === "converse");
  expect(enable && "error" in enable ? enable.error : undefined).toBeUndefined();

  // The playground shows Converse's session as an outside lane with its registration.
  const lane = page.getByRole("region", { name: "Outside session converse", exact: true });
  await expect(lane).toContainText("outside session: not opened by the playground");
  await expect(lane).toContainText(`converse-node → ${sinkJid}`);
  const push = await pg.tool("Push");
  await expect(pg.registrationRow(push, "converse-node")).toContainText("active");
  await converse.close();
  await converseSite.close();
  expect(errors).toEqual([]);
});
