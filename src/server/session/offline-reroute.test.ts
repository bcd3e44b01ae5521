/**
 * Where offline messages go when a session becomes available. ejabberd's mod_offline routes each
 * stored message again by its own address (route_offline_messages → ejabberd_router:route), so a
 * message sent to a full JID that is bound by then reaches that session even without presence
 * (ejabberd 23.01, found by the differential run); the other hosts give every stored message to the
 * session that became available.
 */
import type { Element } from "@xmpp/xml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { startTestServer, type TestServer } from "../test-support";
import { chat, connect, isMessageWithBody, presence, QUIET_MS, type Inbox } from "../test-support/session-kit";

let t: TestServer;
const open: Inbox[] = [];
let n = 0;

async function login(jid: string): Promise<Inbox> {
  const inbox = await connect(t.url, jid);
  open.push(inbox);
  return inbox;
}

const delayed = (body: string) => (s: Element) => isMessageWithBody(body)(s) && s.getChild("delay", NS.delay) !== undefined;

beforeAll(async () => {
  t = await startTestServer({});
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.stop()));
});

afterAll(async () => {
  await t.close();
});

async function storeThenPresence(domain: string) {
  n += 1;
  const account = `alice${n}@${domain}`;
  const bob = await login(`bob${n}@localhost/desk`);
  await bob.send(chat(`${account}/phone`, "to the phone"));
  await bob.send(chat(account, "to the account"));
  await expect.poll(() => t.server.sessionManager?.offlineCount(account)).toBe(2);
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
