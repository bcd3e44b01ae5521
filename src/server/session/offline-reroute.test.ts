/**
 * Where offline messages go when a session becomes available. ejabberd's mod_offline routes each
 * stored message again by its own address (route_offline_messages → ejabberd_router:route), so a
 * message sent to a full JID that is bound by then reaches that session even without presence
 * (ejabberd 23.01, found by the differential run); the other hosts give every stored message to the
 * session that became available.
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { serverFixture } from "../test-support/server-fixture";
import { chat, isMessageWithBody, presence, QUIET_MS } from "../test-support/session-kit";

const fixture = serverFixture();
const login = (jid: string) => fixture.login(jid);
let n = 0;

const delayed = (body: string) => (s: Element) => isMessageWithBody(body)(s) && s.getChild("delay", NS.delay) !== undefined;

async function storeThenPresence(domain: string) {
  n += 1;
  const account = `alice${n}@${domain}`;
  const bob = await login(`bob${n}@localhost/desk`);
  await bob.send(chat(`${account}/phone`, "to the phone"));
  await bob.send(chat(account, "to the account"));
  await expect.poll(() => fixture.server.server.sessionManager?.offlineCount(account)).toBe(2);
  const phone = await login(`${account}/phone`);
  const laptop = await login(`${account}/laptop`);
  await laptop.send(presence());
  return { phone, laptop };
}

describe("offline messages when a session becomes available", () => {
  it("ejabberd: one sent to a full JID goes to that resource once it is bound, even without presence", async () => {
    const { phone, laptop } = await storeThenPresence("ejabberd.localhost");
    await phone.next(delayed("to the phone"), "the stored message to the phone");
    await laptop.next(delayed("to the account"), "the stored message to the account");
    expect(await laptop.settle(delayed("to the phone"), QUIET_MS)).toHaveLength(0);
    expect(await phone.settle(delayed("to the account"), 0)).toHaveLength(0);
  });

  it("prosody: the session that became available takes them all", async () => {
    const { phone, laptop } = await storeThenPresence("prosody.localhost");
    await laptop.next(delayed("to the phone"), "the stored message to the phone");
    await laptop.next(delayed("to the account"), "the stored message to the account");
    expect(await phone.settle(delayed("to the phone"), QUIET_MS)).toHaveLength(0);
  });
});
