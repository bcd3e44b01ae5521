import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// Issue 13, "Surviving a server restart": the page talks to a reference server of this test's own
// (not the one `vite preview` mounts), which the test kills outright mid-session and starts again on
// the same port. The page must say what happened in plain words, reconnect by itself, notice that
// the server's state is gone, keep linking pushes by the new server's decision log, and keep
// everything it captured before.

let server: ServerProcess;
test.beforeEach(async () => {
  server = await startServerProcess();
});
test.afterEach(async () => {
  await server.stop();
});

/** What identifies a captured event and what the user reads of it, as the timeline's Export JSON writes it. */
interface CapturedEvent {
  id: string;
  kind: string;
  lane: string;
  at: number;
  summary: string;
  xml?: string;
}

/** Every event of the timeline, through the UI's Export JSON (the whole timeline, whatever the filter shows). */
async function exportedEvents(pg: PlaygroundPage, dir: string): Promise<Map<string, CapturedEvent>> {
  const { path, events } = await pg.exportTimeline(dir);
  const doc = JSON.parse(await readFile(path, "utf8")) as { events: CapturedEvent[] };
  expect(doc.events).toHaveLength(events);
  const byId = new Map<string, CapturedEvent>();
  for (const e of doc.events) {
    expect(byId.has(e.id), `event id ${e.id} appears twice in the export`).toBe(false);
    byId.set(e.id, { id: e.id, kind: e.kind, lane: e.lane, at: e.at, summary: e.summary, ...(e.xml !== undefined ? { xml: e.xml } : {}) });
  }
  return byId;
}

function countByKind(events: Map<string, CapturedEvent>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events.values()) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

/**
 * The browser logs each refused WebSocket and each failed read of the decision log while the server
 * is down (or as it dies); that is the test's doing.
 */
const unexpected = (errors: string[]) =>
  errors.filter((e) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket' failed|Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)$/.test(e));

test("kill the server mid-session and restart it: plain words, automatic reconnect, reset state, pushes linked by the new log", async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  await pg.useAccounts(freshAccounts("restart"));
  const connection = await pg.tool("Connection");
  await connection.getByLabel("WebSocket URL", { exact: true }).fill(server.url);
  await expect(connection.getByLabel("Reconnect automatically", { exact: true })).toBeChecked();
  await pg.connectAll();
  await pg.disconnect("r2");
  const oldNode = await pg.enable({ from: "r1", away: true });
  await pg.setPresence("r1", "away");
  await pg.sendMessage("before the crash");
  await pg.showOnlyKinds(["connection", "message-sent", "push", "decision"]);
  await expect(pg.timelineRows("push")).toHaveCount(1);
  await pg.showAllKinds();
  const before = await pg.timelineCounts();
  // Every event captured before the crash, by id, as the user can export it.
  const captured = await exportedEvents(pg, testInfo.outputDir);
  expect(captured.size).toBe(before.total);
  expect(countByKind(captured)).toMatchObject({ connection: expect.any(Number), "message-sent": 1, push: 1, decision: expect.any(Number), enable: 1 });

  await server.kill();
  const r1 = pg.resource("r1");
  await expect(r1).toContainText("the server closed the connection (code 1006) — it may have stopped; reconnecting in 2 s…");
  await expect(r1).not.toContainText("closed while");

  await server.restart();
  // Reconnected by itself (resuming is refused by the new server, so a new session is bound).
  await expect(pg.reachability("r1")).toHaveText("online", { timeout: 20_000 });
  await expect(page.getByRole("list", { name: "Session status" })).not.toContainText(/failed|connecting/, { timeout: 20_000 });

  // The restart is noticed and said; the old registration is shown as gone, with the reason.
  // (The timeline renders only the rows near the view: search narrows it to the one row.)
  const search = page.getByPlaceholder("Search summaries and XML");
  await search.fill("the server restarted");
  await expect(pg.timelineRows("connection").filter({ hasText: "the server restarted (its decision log started over): its sessions and 1 registration are gone" })).toHaveCount(1, { timeout: 10_000 });
  await search.fill("");
  const push = await pg.tool("Push");
  const oldRow = pg.registrationRow(push, oldNode);
  await expect(oldRow).toContainText("removed by the server");
  await expect(oldRow).toContainText("the server restarted");

  // A new push on the new server, linked to its message by the new server's decision log.
  // (The form keeps its node: enabling it again registers it anew with the new server.)
  await pg.enable({ from: "r1", away: true });
  await pg.setPresence("r1", "away");
  await pg.sendMessage("after the restart");
  await expect(page.getByTitle("Publishes the App Server sink received", { exact: true })).toHaveText("2 pushes");
  // The list mounts only the rows near the view: search narrows it to each message's rows.
  await pg.showOnlyKinds(["connection", "message-sent", "push", "decision"]);
  const pushes = pg.timelineRows("push");
  await search.fill("after the restart");
  const after = pushes.filter({ hasText: '"after the restart"' });
  await expect(after).toHaveCount(1);
  const detail = await pg.openDetail(after);
  await expect(detail).toContainText("server log: spec/all-away");

  // Nothing captured before is lost.
  await search.fill("before the crash");
  await expect(pushes.filter({ hasText: '"before the crash"' })).toHaveCount(1);
  await expect(pg.timelineRows("message-sent").filter({ hasText: "before the crash" })).toHaveCount(1);
  await search.fill("");
  await pg.showAllKinds();
  const total = (await pg.timelineCounts()).total;
  expect(total).toBeGreaterThan(before.total);
  const kept = await exportedEvents(pg, testInfo.outputDir);
  expect(kept.size).toBe(total);
  const missing = [...captured.keys()].filter((id) => !kept.has(id));
  expect(missing, "events captured before the crash that the timeline no longer has").toEqual([]);
  // Each is the same event, not only the same id: kind, lane, time, summary and stanza unchanged.
  for (const [id, event] of captured) expect(kept.get(id), `event ${id} (${event.kind}: ${event.summary})`).toEqual(event);
  const countsAfter = countByKind(kept);
  for (const [kind, n] of Object.entries(countByKind(captured))) expect(countsAfter[kind] ?? 0, `${kind} events`).toBeGreaterThanOrEqual(n);
  expect(unexpected(errors)).toEqual([]);
});
