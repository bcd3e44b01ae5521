import { expect, test, type Page } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// The walk-through's three outcomes against the reference server (policy `spec` on localhost),
// each on a fresh page with fresh accounts, so no registration of another test is in force.
// The assertions read what the timeline shows: the sink's push rows and the server lane's decision
// for the message (its rule and one sentence of why).

/** After the decision is logged, a push would be published at once; give it this long to show up anyway. */
const NO_PUSH_WINDOW_MS = 800;

interface Setup {
  pg: PlaygroundPage;
  errors: string[];
  node: string;
}

/** Fresh page and accounts; connect the sink, the sender, r1 and r2; enable push from r1. */
async function setUp(page: Page, tag: string, away: boolean): Promise<Setup> {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  const accounts = freshAccounts(tag);
  await pg.useAccounts(accounts);
  await pg.connectAll();
  await expect(page.getByRole("list", { name: "Session status" })).toContainText(`${accounts.account}/r1`);
  const node = await pg.enable({ from: "r1", away });
  return { pg, errors, node };
}

/** Send one message and return the server's decision row for it (once the log has been read). */
async function sendAndDecide(pg: PlaygroundPage, body: string) {
  await pg.sendMessage(body);
  await pg.showOnlyKinds(["message-sent", "push", "decision"]);
  const messageId = await pg.lastSentMessageId();
  const decision = pg.decisionFor(messageId);
  await expect(decision).toHaveCount(1);
  return decision;
}

async function expectNoPush(pg: PlaygroundPage): Promise<void> {
  await pg.page.waitForTimeout(NO_PUSH_WINDOW_MS);
  await expect(pg.timelineRows("push")).toHaveCount(0);
  const sent = pg.timelineRows("message-sent").last();
  // No "N push" badge; the expectation badge agrees that none was due.
  await expect(sent).not.toContainText(/\b\d+ push(es)?\b/);
  await expect(sent).toContainText("matched: expect no push");
  await expect(pg.page.getByRole("banner")).toContainText("0 pushes");
}

test.describe("push decisions in the timeline (reference server, spec policy)", () => {
  test("away=true, r1 away and r2 gone: pushed, and the push is linked to the message", async ({ page }) => {
    const { pg, errors, node } = await setUp(page, "pushed", true);
    await pg.setPresence("r1", "away");
    await pg.disconnect("r2");

    const decision = await sendAndDecide(pg, "are you there?");
    await expect(decision).toContainText("spec: push to 1 registration");
    await expect(decision).toContainText("the only receiving resource is away (r1: away");
    await expect(decision).toContainText("has away=true, so it is pushed");

    const push = pg.timelineRows("push");
    await expect(push).toHaveCount(1);
    await expect(push).toContainText(`push to node ${node}, count 1`);
    await expect(push).toContainText('"are you there?"');
    await expect(push).toContainText("↩ cause");
    await expect(pg.timelineRows("message-sent").last()).toContainText("1 push");

    const detail = await pg.openDetail(push);
    await expect(detail).toContainText("server log: spec/all-away");
    await expect(detail.getByRole("button", { name: /^Caused by: bob-pushed-\S+ → alice-pushed-\S+@localhost: chat "are you there\?"$/ })).toBeEnabled();
    expect(errors).toEqual([]);
  });

  test("away=true but r1 available (r2 gone): no push, because r1 is online", async ({ page }) => {
    const { pg, errors } = await setUp(page, "online", true);
    // r1 keeps the available presence it sent on connect.
    await expect(pg.reachability("r1")).toHaveText("online");
    await pg.disconnect("r2");

    const decision = await sendAndDecide(pg, "lunch?");
    await expect(decision).toContainText("spec: no push for message");
    await expect(decision).toContainText("resource r1 is online (available), so nothing is pushed");
    await expectNoPush(pg);
    expect(errors).toEqual([]);
  });

  test("enable without away, r1 away and r2 gone: no push, because no registration has away=true", async ({ page }) => {
    const { pg, errors } = await setUp(page, "noaway", false);
    await pg.setPresence("r1", "away");
    await pg.disconnect("r2");

    const decision = await sendAndDecide(pg, "ping");
    await expect(decision).toContainText("spec: no push for message");
    await expect(decision).toContainText("the only receiving resource is away (r1: away");
    await expect(decision).toContainText("but no registration has away=true, so nothing is pushed");
    await expectNoPush(pg);
    expect(errors).toEqual([]);
  });
});
