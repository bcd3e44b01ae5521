import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { xml } from "@xmpp/client";
import { createXmppClient, type XmppClient } from "../src/xmpp-client/client";
import { E2E_C2S_PORT, E2E_DATA_DIR } from "./support/e2e-env";
import { NS } from "../src/protocol/ns";
import { buildEnable } from "../src/protocol/stanzas/push";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";
import { SequenceView } from "./support/sequence-view";

// Issue 12: a client the playground did not open (here xmpp.js in the spec's own Node process, as
// a developer's own app would be) logs in as the account under test and enables push towards the
// playground's sink. The Resources column shows it as a read-only outside lane with its
// registration; while it is online the prediction expects no push (it receives), and after it
// leaves a message is pushed for its registration and the timeline links the push to the server's
// decision.

const CAPS_NODE = "https://example.test/outside-e2e";

/**
 * The outside client: xmpp.js over TCP (`xmpp://`, RFC 6120) with STARTTLS, as a native app would
 * connect, trusting the certificate the e2e server generated at start.
 */
async function connectOutsideClient(username: string, resource: string): Promise<XmppClient> {
  const ca = readFileSync(resolve(E2E_DATA_DIR, "tls/cert.pem"), "utf8");
  const outside = createXmppClient({
    service: `xmpp://127.0.0.1:${E2E_C2S_PORT}`,
    domain: "localhost",
    resource,
    username,
    password: "pass",
    tlsOptions: { ca },
  });
  outside.reconnect.stop();
  outside.on("error", () => undefined);
  await outside.start();
  return outside;
}

async function stopQuietly(client: XmppClient): Promise<void> {
  try {
    await client.stop();
  } catch {
    // already offline
  }
}

test("an outside session: its lane, its registration, and the push its registration causes, linked", async ({ page }) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  const accounts = freshAccounts("outside");
  await pg.useAccounts(accounts);
  await pg.connectAll();
  const sinkJid = `${accounts.sink}@localhost/sink`;

  const outside = await connectOutsideClient(accounts.account, "outside");
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

    // The playground's own resources gone, the outside app (dnd: online for spec) still receives:
    // the prediction counts it as the server does, so no push is expected and none comes.
    await pg.disconnect("r1");
    await pg.disconnect("r2");
    await pg.sendMessage("while the outside app is on");
    await pg.showTimeline();
    const whileOn = pg.timelineRows("message-sent").filter({ hasText: "while the outside app is on" });
    await expect(whileOn).toContainText("matched: expect no push");
    await expect(whileOn).not.toContainText("disagrees");
    await expect(pg.timelineRows("push")).toHaveCount(0);

    await outside.stop();
    outsideStopped = true;
    await expect(lane).toContainText("ended");
  } finally {
    if (!outsideStopped) await stopQuietly(outside);
  }

  // Nobody of the account receives now: the outside registration is pushed (spec: away or not).
  await pg.sendMessage("for the outside app");
  await expect(pg.timelineRows("message-sent").filter({ hasText: "for the outside app" })).toContainText("matched: expect push");

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
