import { expect, test, type Page } from "@playwright/test";
import { DEMOS } from "../src/app/demos/presets";
import { encodeSetup } from "../src/app/share/link";
import { collectPageErrors, freshAccounts, PlaygroundPage, type Accounts } from "./support/playground-page";

// Shareable setups and guided demos (issue 11), against the reference server `vite preview`
// mounts: a set-up case is shared as a link, a fresh browser (no storage) opens it and replays it
// with the same accounts, and gets the same push; a damaged link says why; a demo plays through;
// a demo and a replay never drive the playground at once.

test.use({ viewport: { width: 1440, height: 900 } });

async function openWithAccounts(page: Page, url: string, accounts: Accounts): Promise<PlaygroundPage> {
  const pg = new PlaygroundPage(page);
  await page.goto(url);
  await expect(page).toHaveTitle(/XMPP Push Playground/);
  await pg.useAccounts(accounts);
  return pg;
}

test("share the walk-through as a link; a fresh page replays it with the same push", async ({ browser }) => {
  const accounts = freshAccounts("share");
  const first = await browser.newContext();
  const page = await first.newPage();
  const errors = collectPageErrors(page);
  const pg = await openWithAccounts(page, "/", accounts);
  await pg.usePhoneAndLaptop();
  await pg.connectAll();
  const node = await pg.awayAndGoneThenSend("Lunch at noon?");
  await pg.showOnlyKinds(["message-sent", "push", "decision"]);
  await expect(pg.timelineRows("push")).toHaveCount(1);

  await page.getByRole("button", { name: "Share", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Share this setup" });
  const lines = dialog.getByRole("list", { name: "What the link sets up" });
  await expect(lines).toContainText("Resource phone: online, away");
  await expect(lines).toContainText("Resource laptop: connects, then disconnects");
  await expect(lines).toContainText(`Push enabled from phone, node ${node}, with away='true'`);
  await expect(lines).toContainText("bob sends “Lunch at noon?” to the bare JID");
  const linkBox = dialog.getByLabel("Share link", { exact: true });
  await expect(linkBox).toHaveValue(/#setup=1\.[jz][A-Za-z0-9_-]+\.[0-9a-f]{8}$/);
  const link = await linkBox.inputValue();
  expect(link).not.toContain("pass");
  expect(link).not.toContain(accounts.account);
  expect(errors).toEqual([]);
  // The first browser leaves, as a colleague's would: its sessions close.
  await first.close();

  const second = await browser.newContext();
  const fresh = await second.newPage();
  const freshErrors = collectPageErrors(fresh);
  const replay = await openWithAccounts(fresh, link, accounts);
  const banner = fresh.getByRole("region", { name: "Setup from a share link" });
  await expect(banner).toContainText("This share link sets up:");
  await expect(banner.getByRole("radio", { name: "On the connected server" })).toBeChecked();
  await banner.getByRole("button", { name: "Apply and send the messages" }).click();
  await expect(banner.getByRole("status")).toHaveText("Done: set up 2 resources, 1 registration and sent 1 message.", { timeout: 20_000 });
  await expect(banner).toContainText("bob sent “Lunch at noon?”: 1 push reached the sink");

  // The setup is reproduced: phone away, laptop gone, the registration with away, the same push.
  await expect(replay.reachability("phone")).toHaveText("away");
  await expect(replay.reachability("laptop")).toHaveText("not connected");
  await replay.showOnlyKinds(["message-sent", "push", "decision"]);
  const messageId = await replay.lastSentMessageId();
  await expect(replay.decisionFor(messageId)).toContainText("the only receiving resource is away (phone: away");
  await expect(replay.decisionFor(messageId)).toContainText("has away=true, so it is pushed");
  const push = replay.timelineRows("push");
  await expect(push).toHaveCount(1);
  await expect(push).toContainText(`push to node ${node}`);
  await expect(push).toContainText("Lunch at noon?");
  expect(freshErrors).toEqual([]);
  await second.close();
});

test("a tampered or cut link says specifically why, and the page works", async ({ page }) => {
  const errors = collectPageErrors(page);
  // A valid plain link, then its body edited without updating the checksum.
  const json = JSON.stringify({ v: 1, domain: "localhost", resources: [], registrations: [], sink: { profile: "generic", mode: { kind: "result" }, faults: null, faultsByNode: {} }, messages: [] });
  const body = Buffer.from(json.replace("generic", "p2"), "utf8").toString("base64url");
  await page.goto(`/#setup=1.j${body}.00000000`);
  const alert = page.getByRole("region", { name: "Damaged share link" }).getByRole("alert");
  await expect(alert).toHaveText("This share link is damaged: the checksum does not match: the link was changed or cut short after it was made");
  await expect(page.getByRole("region", { name: "Resource r1", exact: true })).toBeVisible();

  await page.goto(`/#setup=1.j${body.slice(0, 20)}`);
  await page.reload();
  await expect(page.getByRole("region", { name: "Damaged share link" }).getByRole("alert")).toContainText("the link is cut short or malformed");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByRole("region", { name: "Damaged share link" })).toHaveCount(0);
  // Dismissed, the link leaves the address bar: a reload does not offer it again.
  await expect(page).not.toHaveURL(/setup=/);
  expect(errors).toEqual([]);
});

test("the README walk-through plays as a guided demo, caption by caption, to the end", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await openWithAccounts(page, "/", freshAccounts("demo"));
  const demo = DEMOS.find((d) => d.id === "walkthrough")!;
  await page.getByRole("button", { name: "Demos", exact: true }).click();
  await page.getByRole("dialog", { name: "Guided demos" }).getByRole("button", { name: new RegExp(demo.title) }).click();
  const overlay = page.getByRole("region", { name: `Guided demo: ${demo.title}` });
  for (const [i, step] of demo.steps.entries()) {
    await expect(overlay).toContainText(`step ${i + 1} of ${demo.steps.length}`, { timeout: 20_000 });
    await expect(overlay.locator(".demo-caption")).toHaveText(step.caption);
    if (step.action.kind === "send") {
      await expect(overlay.getByRole("status")).toContainText(step.action.expect === "push" ? ": 1 push reached the sink" : ": no push", { timeout: 20_000 });
    }
  }
  await expect(overlay).toContainText(`step ${demo.steps.length} of ${demo.steps.length} · finished`, { timeout: 20_000 });
  await expect(overlay.getByRole("button", { name: "Next →" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(overlay).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a demo on screen holds a share link's replay back, says why, and the replay runs once the demo is ended", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const demo = DEMOS.find((d) => d.id === "online-suppresses")!;
  const fragment = await encodeSetup({ ...DEMOS.find((d) => d.id === "walkthrough")!.setup, title: "from a colleague" });
  await openWithAccounts(page, `/#${fragment}`, freshAccounts("exclusive"));
  const banner = page.getByRole("region", { name: "Setup from a share link" });
  await expect(banner).toContainText("This share link sets up “from a colleague”:");

  await page.getByRole("button", { name: "Demos", exact: true }).click();
  await page.getByRole("dialog", { name: "Guided demos" }).getByRole("button", { name: new RegExp(demo.title) }).click();
  const overlay = page.getByRole("region", { name: `Guided demo: ${demo.title}` });
  await expect(overlay).toContainText("step 1 of", { timeout: 20_000 });
  await overlay.getByRole("button", { name: "Pause" }).click();

  await expect(banner).toContainText(`Not now: the guided demo “${demo.title}” is on screen: end it (Esc or End demo) before replaying a setup`);
  await expect(banner.getByRole("button", { name: "Apply and send the messages" })).toBeDisabled();
  await expect(banner.getByRole("button", { name: "Apply without sending" })).toBeDisabled();
  await banner.getByRole("button", { name: "End the demo" }).click();
  await expect(overlay).toHaveCount(0);
  await expect(banner).not.toContainText("Not now");
  await banner.getByRole("button", { name: "Apply without sending" }).click();
  await expect(banner.getByRole("status")).toHaveText(/^Done: set up 2 resources/, { timeout: 20_000 });
  expect(errors).toEqual([]);
});
