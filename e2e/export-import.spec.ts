import { expect, test } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// A timeline exported after a pushed message and imported again shows the same events: the same
// count, the same rows (times, lanes, kinds, summaries, links) and the push still linked to its cause.
test.use({ viewport: { width: 1440, height: 1400 } });

test("export then import reproduces the timeline, push and its link included", async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  await pg.useAccounts(freshAccounts("export"));
  await pg.connectAll();
  const node = await pg.enable({ from: "r1", away: true });
  await pg.setPresence("r1", "away");
  await pg.disconnect("r2");
  await pg.sendMessage("round trip");

  // Wait for the last thing the push causes: the server's log of the sink's answer. After it the
  // timeline is quiet, so what is exported is what is shown.
  const kinds = ["enable", "message-sent", "push", "sink-answer", "decision"] as const;
  await pg.showOnlyKinds(kinds);
  await expect(pg.timelineRows("push")).toHaveCount(1);
  await expect(pg.timelineRows("push")).toContainText("↩ cause");
  await expect(pg.timelineRows("decision").filter({ hasText: "App Server answer to" })).toHaveCount(1);
  // And the expectation's verdict, given when its 3 s window closes: until then the row says
  // "waiting", and an export taken across that moment would differ from the rows read before it.
  await expect(pg.timelineRows("message-sent")).toContainText("matched: expect push");
  const liveRows = await pg.rowTexts();
  const live = await pg.timelineCounts();
  expect(liveRows.length).toBe(live.shown);
  expect(liveRows.length).toBeGreaterThanOrEqual(5);
  // Every row, too (the viewport is tall enough for the virtual list to render them all).
  await pg.showAllKinds();
  const liveAll = await pg.rowTexts();
  expect(liveAll.length).toBe(live.total);
  await pg.showOnlyKinds(kinds);

  const exported = await pg.exportTimeline(testInfo.outputDir);
  expect(exported.download.suggestedFilename()).toMatch(/^xmpp-push-timeline-\d{8}-\d{6}\.json$/);
  expect(exported.events).toBe(live.total);

  await pg.importTimeline(exported.path);
  const status = page.getByRole("status").filter({ hasText: /^Viewing imported timeline/ });
  await expect(status).toContainText(`“${exported.download.suggestedFilename()}” (${live.total} events`);
  // The kind filter still applies: the imported view shows the same rows, in the same order.
  await expect.poll(() => pg.timelineCounts()).toEqual(live);
  expect(await pg.rowTexts()).toEqual(liveRows);
  await pg.showAllKinds();
  expect(await pg.rowTexts()).toEqual(liveAll);
  await pg.showOnlyKinds(kinds);

  const push = pg.timelineRows("push");
  await expect(push).toContainText(`push to node ${node}`);
  const detail = await pg.openDetail(push);
  await expect(detail).toContainText("server log: spec/all-away");
  const cause = detail.getByRole("button", { name: /^Caused by: bob-export-\S+ → alice-export-\S+@localhost: chat "round trip"$/ });
  await cause.click();
  await expect(pg.timelineRows("message-sent")).toHaveAttribute("aria-selected", "true");

  // Back to live: capture went on underneath and the live timeline is unchanged.
  await status.getByRole("button", { name: "Back to live", exact: true }).click();
  await expect(status).toHaveCount(0);
  await expect.poll(() => pg.timelineCounts()).toEqual(live);
  expect(errors).toEqual([]);
});
