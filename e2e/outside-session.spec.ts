import { expect, test } from "@playwright/test";
import "../src/test-setup/node-websocket";
import { xml, type Client } from "@xmpp/client";
import { connectClient, stopQuietly } from "../src/server/test-support/client";
import { NS } from "../src/protocol/ns";
import { buildEnable } from "../src/protocol/stanzas/push";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";
import { SequenceView } from "./support/sequence-view";

// Issue 12: a client the playground did not open (here xmpp.js in the spec's own Node process, as
// a developer's own app would be) logs in as the account under test and enables push towards the
// playground's sink. The Resources column shows it as a read-only outside lane with its
// registration; after it leaves, a message is pushed for its registration and the timeline links
// the push to the server's decision.

const CAPS_NODE = "https://example.test/outside-e2e";

/**
 * The outside client, in one place: over WebSocket today (the service URL the page resolves to);
 * switch it to TCP (xmpp://127.0.0.1:<c2s port>) once the server listens there.
 */
async function connectOutsideClient(service: string, username: string, resource: string): Promise<Client> {
  return connectClient({ url: service, username, resource, mechanism: "PLAIN" });
}

test("an outside session: its lane, its registration, and the push its registration causes, linked", async ({ page }) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  const accounts = freshAccounts("outside");
  await pg.useAccounts(accounts);
  await pg.connectAll();
  const service = await pg.resolvedService();
  const sinkJid = `${accounts.sink}@localhost/sink`;

  const outside = await connectOutsideClient(service, accounts.account, "outside");
  let outsideStopped = false;
  try {
    await outside.send(xml("presence", {}, xml("show", {}, "dnd"), xml("c", { xmlns: NS.caps, hash: "sha-1", node: CAPS_NODE, ver: "e2e" })));
    const answer = await outside.iqCaller.request(buildEnable({ jid: sinkJid, node: "outside-node", id: "outside-enable" }));
    expect(answer.attrs.type).toBe("result");

    const lane = page.getByRole("region", { name: "Outside session outside", exact: true });
    await expect(lane).toContainText("outside session: not opened by the playground");
    await expect(lane).toContainText("dnd, priority 0");
    await expect(lane).toContainText(CAPS_NODE);
    await expect(lane).toContainText(`outside-node → ${sinkJid}`);
    await expect(lane).toContainText("seen through server log");
    await expect(lane.getByRole("button")).toHaveCount(0);

    const push = await pg.tool("Push");
    await expect(pg.registrationRow(push, "outside-node")).toContainText("active");

    await outside.stop();
    outsideStopped = true;
    await expect(lane).toContainText("ended");
  } finally {
    if (!outsideStopped) await stopQuietly(outside);
  }

  // Nobody of the account receives now: the outside registration is pushed (spec: away or not).
  await pg.disconnect("r1");
  await pg.disconnect("r2");
  await pg.sendMessage("for the outside app");

  await pg.showTimeline();
  await pg.showOnlyKinds(["enable", "connection", "push", "message-sent"]);
  await expect(pg.timelineRows("enable").filter({ hasText: `/outside (outside) enabled push to ${sinkJid} / outside-node` })).toHaveCount(1);
  await expect(pg.timelineRows("connection").filter({ hasText: "/outside: outside's session ended" })).toHaveCount(1);
  const pushRow = pg.timelineRows("push");
  await expect(pushRow).toHaveCount(1);
  await expect(pushRow).toContainText("push to node outside-node");
  await expect(pushRow).toContainText("↩ cause");
  const detail = await pg.openDetail(pushRow);
  await expect(detail).toContainText("server log: spec/");

  // The Sequence view draws the outside session as a lane of its own, with its enable.
  await pg.showAllKinds();
  const seq = new SequenceView(page);
  await seq.open();
  expect(await seq.participants()).toContainEqual(expect.stringMatching(/\/outside \(outside\) \(account resource\)$/));
  await expect(seq.rows("enable").filter({ hasText: "outside-node" }).first()).toBeAttached();
  expect(errors).toEqual([]);
});
