import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import WebSocket from "ws";
import { runSuite } from "../src/conformance/runner";
import type { SuiteReport } from "../src/conformance/types";
import { ReferenceServer } from "../src/server/index";
import { startStaticServer, type StaticServer } from "./support/static-server";

// The conformance suite against the sandbox server (the Scenarios panel of the static site, in
// headless Chromium, exported as JSON) and against the Node reference server (runSuite in this
// process, over `ws`), host by host: the verdicts must be identical, scenario for scenario, and
// so must the policy each run identifies. Both servers run with their defaults; the sandbox's
// page logs in with PLAIN (xmpp.js has no SCRAM in browsers), so the Node run does too.
// It runs in the static pass (E2E_STATIC=1, playwright.config.ts): no web server, no reference
// server on any origin the page can reach.
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const HOSTS = [
  { domain: "localhost", policy: "spec" },
  { domain: "tigase.localhost", policy: "tigase" },
  { domain: "prosody.localhost", policy: "prosody" },
  { domain: "ejabberd.localhost", policy: "ejabberd" },
] as const;

let site: StaticServer;
let node: ReferenceServer;
let nodeUrl: string;

test.beforeAll(async () => {
  if (typeof globalThis.WebSocket === "undefined") (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = WebSocket;
  site = await startStaticServer(DIST, "/");
  node = new ReferenceServer({ logLevel: "silent" });
  nodeUrl = (await node.listen({ port: 0 })).url;
});

test.afterAll(async () => {
  await site?.close();
  await node?.close();
});

type Verdicts = { verdicts: Record<string, string>; best: string; candidates: string[] };

function verdictsOf(report: SuiteReport): Verdicts {
  expect(report.fatal, report.fatal).toBeUndefined();
  return {
    verdicts: Object.fromEntries(report.scenarios.map((s) => [s.id, s.verdict])),
    best: report.identification.best,
    candidates: report.identification.candidates,
  };
}

async function runInPage(page: Page, domain: string, tag: string): Promise<SuiteReport> {
  // The page's verdicts are the sandbox's alone: it opens no WebSocket (the Node server of this
  // process is the oracle, on a port the page is never told of).
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(site.url);
  await expect(page.getByRole("status", { name: "Sandbox server" })).toContainText("Sandbox server in this page.");
  const tools = page.getByRole("tablist", { name: "Tools" });
  await tools.getByRole("tab", { name: /^Connection/ }).click();
  const connection = page.getByRole("tabpanel", { name: /^Connection/ });
  await connection.getByLabel("Domain", { exact: true }).fill(domain);
  for (const [label, name] of [["Account username", "alice"], ["Sender username", "bob"], ["Sink username", "pushsvc"]]) {
    await connection.getByLabel(label!, { exact: true }).fill(`${name}-${tag}`);
  }
  await page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Scenarios/ }).click();
  const panel = page.getByRole("region", { name: "Conformance scenarios" });
  await panel.getByLabel("Judge under").selectOption("from-disco");
  await panel.getByLabel("Accounts").selectOption("fresh");
  await panel.getByRole("button", { name: "Run all", exact: true }).click();
  const progress = panel.getByRole("progressbar", { name: "Scenario progress" });
  const total = await progress.getAttribute("aria-valuemax");
  await expect(progress).toHaveAttribute("aria-valuenow", total ?? "-", { timeout: 200_000 });
  await expect(panel.getByRole("button", { name: "Export JSON" })).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Export JSON" }).click()]);
  expect(sockets, "the page runs the suite on its sandbox server, over no WebSocket").toEqual([]);
  return JSON.parse(await readFile(await download.path(), "utf8")) as SuiteReport;
}

for (const host of HOSTS) {
  test(`conformance verdicts on ${host.domain}: sandbox in Chromium = Node reference server`, async ({ page }) => {
    test.setTimeout(300_000);
    const tag = `${host.policy}-${Date.now().toString(36)}`;
    const inPage = verdictsOf(await runInPage(page, host.domain, tag));
    const inNode = verdictsOf(
      await runSuite({
        target: {
          name: `node/${host.policy}`,
          service: nodeUrl,
          domain: host.domain,
          account: { username: `alice-${tag}`, password: "pass" },
          sender: { username: `bob-${tag}`, password: "pass" },
          sink: { username: `pushsvc-${tag}`, password: "pass" },
          accounts: "fresh",
          mechanism: "PLAIN",
        },
        policy: "from-disco",
        concurrency: 4,
      }),
    );
    expect(Object.keys(inPage.verdicts).length).toBeGreaterThanOrEqual(29);
    expect(inPage).toEqual(inNode);
    expect(inPage.best).toBe(host.policy);
    test.info().annotations.push({ type: "verdicts", description: JSON.stringify(inPage.verdicts) });
  });
}
