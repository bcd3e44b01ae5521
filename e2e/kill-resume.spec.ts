import { expect, test } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// "Kill app" and "Resume" (XEP-0198) from the resource card, against the reference server that
// `vite preview` mounts (stream management on by default), on its Prosody host: Prosody keeps a
// killed session (hibernation), pushes for what is queued for it, and redelivers on resumption.

test("kill r1 from its card, push while hibernated, resume and get the message redelivered", async ({ page }) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  await pg.useAccounts(freshAccounts("kill"));
  const connection = await pg.tool("Connection");
  await connection.getByLabel("Domain", { exact: true }).fill("prosody.localhost");
  await pg.connectAll();
  await pg.disconnect("r2");
  await pg.enable({ from: "r1", away: false });

  const r1 = pg.resource("r1");
  await expect(r1.getByText("SM on", { exact: true })).toBeVisible();
  const resume = r1.getByRole("button", { name: "Resume r1", exact: true });
  await expect(resume).toBeDisabled();

  await r1.getByRole("button", { name: "Kill app r1", exact: true }).click();
  await expect(r1.getByText("hibernated", { exact: true })).toBeVisible();
  await expect(resume).toBeEnabled();
  await expect(pg.reachability("r1")).toHaveText("not connected");

  await pg.sendMessage("sent while r1 was killed");
  await pg.showOnlyKinds(["connection", "message-sent", "message-received", "push", "decision"]);

  // The kill, and the server's hibernation with its one-sentence reason.
  await expect(pg.timelineRows("connection").filter({ hasText: "app killed: socket dropped without </close>" })).toHaveCount(1);
  const hibernation = pg.timelineRows("decision").filter({ hasText: /prosody: alice-kill-\S+\/r1 hibernated/ });
  await expect(hibernation).toHaveCount(1);
  await expect(hibernation).toContainText("went away without </close>");

  // Prosody's 1 s batch: the message's push arrives at the sink and is linked to the message.
  const sent = pg.timelineRows("message-sent").filter({ hasText: "sent while r1 was killed" });
  await expect(sent.locator(".badge-push")).toHaveText("1 push");
  // The playground's prediction counts the hibernated session as the server does.
  await expect(sent).toContainText("matched: expect push");
  await expect(sent).not.toContainText("disagrees");
  const messageDecision = pg.timelineRows("decision").filter({ hasText: "is pushed after Prosody's 1 s batch timer because its enabling session (r1) is hibernated" });
  await expect(messageDecision).toHaveCount(1);
  // Any push for the queue at hibernation time is linked to the hibernation, not called presence-triggered.
  const pushes = pg.timelineRows("push");
  const pushCount = await pushes.count();
  expect(pushCount).toBeGreaterThanOrEqual(1);
  for (let i = 0; i < pushCount; i++) {
    const detail = await pg.openDetail(pushes.nth(i));
    await expect(detail).not.toContainText("presence-triggered");
    await expect(detail.getByRole("button", { name: /^Caused by: / })).toBeVisible();
  }

  // Resume: the same session comes back and the queued message is redelivered.
  await resume.click();
  await expect(r1.getByText("resumed · 1 redelivered", { exact: true })).toBeVisible();
  await expect(pg.reachability("r1")).toHaveText("online");
  await expect(resume).toBeDisabled();
  await expect(
    pg.timelineRows("message-received").filter({ hasText: "sent while r1 was killed" }).filter({ hasText: "redelivered on resume" }),
  ).toHaveCount(1);
  await expect(pg.timelineRows("connection").filter({ hasText: /session resumed \(XEP-0198\): 1 delayed message redelivered/ })).toHaveCount(1);
  await expect(pg.timelineRows("decision").filter({ hasText: /\/r1 resumed after [\d.]+ s, \d+ stanzas? re-sent/ })).toHaveCount(1);

  expect(errors).toEqual([]);
});
