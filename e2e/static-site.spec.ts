import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";
import { startStaticServer, type StaticServer } from "./support/static-server";

// dist/ (built by the config's webServer) served by a plain static file server under a sub-path,
// as on a project page: no reference server answers on this origin, so the page runs its sandbox
// server (the reference server's core in a Web Worker) and says so. Nothing here talks to a Node
// XMPP server; the page opens no WebSocket at all. It runs in the static pass (E2E_STATIC=1,
// playwright.config.ts): no `vite preview`, no reference server anywhere while it runs.
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const SUB_PATH = "/xmpp-push-playground/demo/";

let site: StaticServer;

test.beforeAll(async () => {
  site = await startStaticServer(DIST, SUB_PATH);
});

test.afterAll(async () => {
  await site?.close();
});

test.use({ viewport: { width: 1440, height: 900 } });

/** Opens the site; `sockets` collects every WebSocket the page opens (there must be none). */
async function open(page: Page): Promise<{ pg: PlaygroundPage; sockets: string[] }> {
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(site.url);
  await expect(page).toHaveTitle(/XMPP Push Playground/);
  const banner = page.getByRole("status", { name: "Sandbox server" });
  await expect(banner).toContainText("Sandbox server in this page.");
  await expect(banner).toContainText("No reference server answers on this site");
  return { pg: new PlaygroundPage(page), sockets };
}

async function showScenarios(page: Page): Promise<Locator> {
  const tab = page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Scenarios/ });
  await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
  return page.getByRole("region", { name: "Conformance scenarios" });
}

test("the entry chunk holds no server core; the Worker chunk is fetched only once the sandbox is used", async ({ page }) => {
  const assets = await readdir(join(DIST, "assets"));
  const entry = assets.filter((f) => /^index-.*\.js$/.test(f));
  const worker = assets.filter((f) => /^worker-.*\.js$/.test(f));
  expect(entry).toHaveLength(1);
  expect(worker).toHaveLength(1);
  // Log messages only the server core has (src/server/stream/negotiation.ts, session manager).
  const entryText = await readFile(join(DIST, "assets", entry[0]!), "utf8");
  const workerText = await readFile(join(DIST, "assets", worker[0]!), "utf8");
  for (const marker of ["account registered on first login", "session manager failed in sessionBound"]) {
    expect(workerText).toContain(marker);
    expect(entryText).not.toContain(marker);
  }

  const errors = collectPageErrors(page);
  const { pg, sockets } = await open(page);
  const fetchedWorker = () => site.requests.some((p) => p === `${SUB_PATH}assets/${worker[0]}`);
  expect(fetchedWorker(), "the Worker is not loaded before anyone connects").toBe(false);
  // Every request stayed under the sub-path (relative URLs), the hosting file included.
  expect(site.requests.filter((p) => !p.startsWith(SUB_PATH))).toEqual([]);
  expect(site.requests).toContain(`${SUB_PATH}xpp-hosting.json`);

  const panel = await pg.tool("Connection");
  await expect(panel.getByRole("checkbox", { name: "Sandbox server in this page" })).toBeChecked();
  await expect(panel.getByLabel("WebSocket URL", { exact: true })).toHaveCount(0);
  await pg.connectAll();
  expect(fetchedWorker()).toBe(true);
  expect(sockets, "the static site opens no WebSocket").toEqual([]);
  expect(errors).toEqual([]);
});

test("README walk-through on the sandbox: away + disconnected → pushed, with the server's decision", async ({ page }) => {
  const errors = collectPageErrors(page);
  const { pg, sockets } = await open(page);
  await expect(page.getByRole("banner")).toContainText("Reference server · localhost");

  await pg.usePhoneAndLaptop();

  // The default accounts (alice, bob, pushsvc): dev registration creates them in the sandbox.
  await pg.connectAll();
  await expect(page.getByRole("list", { name: "Session status" })).toContainText("alice/phone");
  await expect(pg.reachability("phone")).toHaveText("online");
  await expect(pg.reachability("laptop")).toHaveText("online");

  const node = await pg.awayAndGoneThenSend("Lunch at noon?");

  await pg.showOnlyKinds(["message-sent", "push", "decision"]);
  const messageId = await pg.lastSentMessageId();
  const decision = pg.decisionFor(messageId);
  await expect(decision).toHaveCount(1);
  await expect(decision).toContainText("spec: push to 1 registration");
  await expect(decision).toContainText("the only receiving resource is away (phone: away");
  await expect(decision).toContainText("has away=true, so it is pushed");

  const push = pg.timelineRows("push");
  await expect(push).toHaveCount(1);
  await expect(push).toContainText(`push to node ${node}`);
  await expect(push).toContainText("from bob@localhost");
  await expect(pg.timelineRows("message-sent").last()).toContainText("1 push");

  // Linked through the decision log, read from the Worker as `GET /xmpp-push/log` is read in Node.
  await pg.showAllKinds();
  const detail = await pg.openDetail(pg.timelineRows("push"));
  await expect(detail).toContainText("server log: spec/all-away");

  // Test push: the sandbox server publishes once to the registration; the sink answers result.
  const pushPanel = await pg.tool("Push");
  const row = pg.registrationRow(pushPanel, node);
  await row.getByRole("button", { name: `Test push to node ${node}` }).click();
  await expect(row.getByRole("status")).toHaveText("result; kept");

  // The XML console shows the RFC 7395 frames, as over a WebSocket.
  await page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^XML console/ }).click();
  const consolePanel = page.getByRole("region", { name: "XML console" });
  await consolePanel.getByLabel("Search frames").fill("Lunch at noon?");
  const frames = consolePanel.getByRole("listbox", { name: "Frames" }).getByRole("option");
  await expect(frames.first()).toBeVisible();
  await frames.first().click();
  await expect(consolePanel.getByRole("region", { name: "Selected frame" })).toContainText("Lunch at noon?");
  await consolePanel.getByLabel("Search frames").fill("urn:ietf:params:xml:ns:xmpp-framing");
  await expect(frames.first()).toBeVisible();

  expect(sockets, "the static site opens no WebSocket").toEqual([]);
  expect(errors, "console errors and uncaught exceptions").toEqual([]);
});

test("the scenario suite passes in the page under spec", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectPageErrors(page);
  const { pg } = await open(page);
  await pg.useAccounts(freshAccounts("static"));
  const panel = await showScenarios(page);
  await panel.getByLabel("Judge under").selectOption("spec");
  await panel.getByLabel("Accounts").selectOption("fresh");
  await panel.getByRole("button", { name: "Run all", exact: true }).click();
  const progress = panel.getByRole("progressbar", { name: "Scenario progress" });
  const total = Number(await progress.getAttribute("aria-valuemax"));
  expect(total).toBeGreaterThanOrEqual(29);
  await expect(progress).toHaveAttribute("aria-valuenow", String(total), { timeout: 200_000 });
  const rows = panel.getByRole("row", { name: /^C\d+ / });
  await expect(rows).toHaveCount(total);
  for (const row of await rows.all()) await expect(row, await row.innerText()).toHaveAttribute("data-verdict", "pass");
  expect(errors).toEqual([]);
});

test("the other three virtual hosts run their own policies in the sandbox", async ({ page }) => {
  test.setTimeout(180_000);
  const { pg } = await open(page);
  for (const policy of ["tigase", "prosody", "ejabberd"]) {
    // The scenarios report takes the whole width; the tools come back with the timeline.
    await pg.showTimeline();
    const connection = await pg.tool("Connection");
    await connection.getByLabel("Domain", { exact: true }).fill(`${policy}.localhost`);
    await pg.useAccounts(freshAccounts(policy));
    const panel = await showScenarios(page);
    await panel.getByLabel("Judge under").selectOption("from-disco");
    await panel.getByLabel("Accounts").selectOption("fresh");
    for (const id of ["C1", "C4"]) await panel.getByRole("checkbox", { name: `Select ${id}`, exact: true }).setChecked(true);
    await panel.getByRole("button", { name: "Run selected (2)" }).click();
    await expect(panel.getByRole("progressbar", { name: "Scenario progress" })).toHaveAttribute("aria-valuenow", "2", { timeout: 60_000 });
    await expect(panel.getByText(/^Server: /)).toContainText(`(${policy} policy)`);
    await expect(panel.getByText(/^Server: /)).toContainText(`Judged under ${policy}`);
    for (const id of ["C1", "C4"]) await expect(panel.getByRole("row", { name: new RegExp(`^${id} `) })).toHaveAttribute("data-verdict", "pass");
  }
});

test("a share link made on the static site reproduces the setup in a fresh page, on its sandbox", async ({ browser }) => {
  const accounts = freshAccounts("staticshare");
  const first = await browser.newContext();
  const page = await first.newPage();
  const errors = collectPageErrors(page);
  const { pg } = await open(page);
  await pg.useAccounts(accounts);
  await pg.usePhoneAndLaptop();
  await pg.connectAll();
  const node = await pg.awayAndGoneThenSend("Lunch at noon?");
  await pg.showOnlyKinds(["message-sent", "push", "decision"]);
  await expect(pg.timelineRows("push")).toHaveCount(1);

  await page.getByRole("button", { name: "Share", exact: true }).click();
  const linkBox = page.getByRole("dialog", { name: "Share this setup" }).getByLabel("Share link", { exact: true });
  await expect(linkBox).toHaveValue(/#setup=1\./);
  const link = await linkBox.inputValue();
  expect(link.startsWith(site.url), "the link points at the same sub-path").toBe(true);
  expect(errors).toEqual([]);
  await first.close();

  // A colleague's browser: no storage, its own empty sandbox server.
  const second = await browser.newContext();
  const fresh = await second.newPage();
  const freshErrors = collectPageErrors(fresh);
  const sockets: string[] = [];
  fresh.on("websocket", (ws) => sockets.push(ws.url()));
  await fresh.goto(link);
  const replay = new PlaygroundPage(fresh);
  await replay.useAccounts(accounts);
  const banner = fresh.getByRole("region", { name: "Setup from a share link" });
  await expect(banner).toContainText("This share link sets up:");
  await banner.getByRole("radio", { name: "On the sandbox server" }).check();
  await banner.getByRole("button", { name: "Apply and send the messages" }).click();
  await expect(banner.getByRole("status")).toHaveText("Done: set up 2 resources, 1 registration and sent 1 message.", { timeout: 30_000 });

  await expect(replay.reachability("phone")).toHaveText("away");
  await expect(replay.reachability("laptop")).toHaveText("not connected");
  await replay.showOnlyKinds(["message-sent", "push", "decision"]);
  const messageId = await replay.lastSentMessageId();
  await expect(replay.decisionFor(messageId)).toContainText("the only receiving resource is away (phone: away");
  const push = replay.timelineRows("push");
  await expect(push).toHaveCount(1);
  await expect(push).toContainText(`push to node ${node}`);
  expect(sockets, "the replay stays in the page").toEqual([]);
  expect(freshErrors).toEqual([]);
  await second.close();
});
