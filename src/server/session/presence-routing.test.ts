/** Presence broadcast, message routing, offline storage and resource conflicts, over real sessions. */
import { xml } from "@xmpp/client";
import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { attrOf, findChild } from "../../protocol/stanzas/xml-util";
import { errorsOf } from "../test-support";
import { serverFixture } from "../test-support/server-fixture";
import { chat, errorOf, eventually, isMessageWithBody, isPresenceFrom, presence } from "../test-support/session-kit";

const fixture = serverFixture();
const login = (jid: string) => fixture.login(jid);
let n = 0;
/** A fresh account per test, so tests never see each other's sessions or offline messages. */
const account = (name: string) => `${name}${++n}@localhost`;

const sm = () => {
  const manager = fixture.server.server.sessionManager;
  if (!manager) throw new Error("no session manager");
  return manager;
};

describe("presence", () => {
  it("broadcasts between three resources: each sees the others and its own presence echoed once", async () => {
    const alice = account("alice");
    const [a1, a2, a3] = [await login(`${alice}/a1`), await login(`${alice}/a2`), await login(`${alice}/a3`)];

    await a1.send(presence());
    await a2.send(presence({}, { show: "dnd", status: "busy" }));
    // a2's initial presence reaches a1, and a2 is told about a1.
    const a2seen = await a1.next(isPresenceFrom(a2.jid), "a2's presence");
    expect(a2seen.getChildText("show")).toBe("dnd");
    expect(attrOf(a2seen, "to")).toBe(a1.jid);
    await a2.next(isPresenceFrom(a1.jid), "a1's presence");

    await a3.send(presence({}, { show: "away", priority: 5 }));
    await a1.next(isPresenceFrom(a3.jid), "a3's presence at a1");
    await a2.next(isPresenceFrom(a3.jid), "a3's presence at a2");
    await a3.next(isPresenceFrom(a1.jid), "a1's presence at a3");
    const a2atA3 = await a3.next(isPresenceFrom(a2.jid), "a2's presence at a3");
    expect(a2atA3.getChildText("status")).toBe("busy");

    // RFC 6121 §4.2.2: each resource gets its own initial presence back, exactly once.
    const own = [a1, a2, a3].map((c) => c.received.filter((s) => s.name === "presence" && attrOf(s, "from") === c.jid).length);
    expect(own).toEqual([1, 1, 1]);
    expect(sm().sessionsOf(alice).map((s) => [s.resource, s.presence?.show ?? null, s.presence?.priority])).toEqual([
      ["a1", null, 0],
      ["a2", "dnd", 0],
      ["a3", "away", 5],
    ]);

    // Unavailable is broadcast and clears the state; a closed session goes unavailable for the others.
    await a3.send(presence({ type: "unavailable" }));
    await a1.next(isPresenceFrom(a3.jid, "unavailable"), "a3 unavailable");
    await eventually(() => sm().sessionsOf(alice).find((s) => s.resource === "a3")?.presence === null, "a3 presence cleared");
    await a2.stop();
    await a1.next(isPresenceFrom(a2.jid, "unavailable"), "a2 gone");
  });

  it("does not broadcast to a session that has sent no presence yet", async () => {
    const alice = account("alice");
    const quiet = await login(`${alice}/quiet`);
    const loud = await login(`${alice}/loud`);
    await loud.send(presence());
    await eventually(() => sm().sessionsOf(alice).find((s) => s.resource === "loud")?.presenceCount === 1, "loud's presence");
    expect(await quiet.settle((s) => s.name === "presence")).toEqual([]);
  });

  it("answers an invalid presence with bad-request and keeps the previous state", async () => {
    const alice = account("alice");
    const a1 = await login(`${alice}/a1`);
    await a1.send(presence({ id: "p1" }, { show: "sleeping" }));
    const reply = await a1.next((s) => s.name === "presence" && attrOf(s, "id") === "p1", "presence error");
    expect(errorOf(reply)).toMatchObject({ type: "modify", condition: "bad-request" });
    expect(sm().sessionsOf(alice)[0]?.presence).toBeNull();
  });
});

describe("message routing", () => {
  it("delivers a bare-JID message to every receiving session, not to priority < 0 or no-presence sessions", async () => {
    const alice = account("alice");
    const bob = await login(`${account("bob")}/b`);
    const [r1, r2, neg, none] = [
      await login(`${alice}/r1`),
      await login(`${alice}/r2`),
      await login(`${alice}/neg`),
      await login(`${alice}/none`),
    ];
    await r1.send(presence());
    await r2.send(presence({}, { show: "away" }));
    await neg.send(presence({}, { priority: -1 }));
    await eventually(() => sm().sessionsOf(alice).filter((s) => s.presence).length === 3, "three presences");

    await bob.send(chat(alice, "to the bare jid"));
    const got = await r1.next(isMessageWithBody("to the bare jid"), "bare message at r1");
    expect(attrOf(got, "from")).toBe(bob.jid);
    await r2.next(isMessageWithBody("to the bare jid"), "bare message at r2");
    expect(await neg.settle(isMessageWithBody("to the bare jid"))).toEqual([]);
    expect(none.received.filter(isMessageWithBody("to the bare jid"))).toEqual([]);
    expect(sm().offlineCount(alice)).toBe(0);
  });

  it("delivers a full-JID message to that session even without presence, and falls back to the bare JID when it is gone", async () => {
    const alice = account("alice");
    const bob = await login(`${account("bob")}/b`);
    const none = await login(`${alice}/none`);
    const avail = await login(`${alice}/avail`);
    await avail.send(presence());
    await eventually(() => sm().sessionsOf(alice).some((s) => s.presence), "avail's presence");

    await bob.send(chat(`${alice}/none`, "to none"));
    await none.next(isMessageWithBody("to none"), "full-JID message");
    expect(await avail.settle(isMessageWithBody("to none"))).toEqual([]);

    await bob.send(chat(`${alice}/gone`, "to gone"));
    await avail.next(isMessageWithBody("to gone"), "fallback to bare");
    expect(none.received.filter(isMessageWithBody("to gone"))).toEqual([]);
  });

  it("stores messages for an account with no receiving session and delivers them with <delay> on its first presence", async () => {
    const alice = account("alice");
    const bob = await login(`${account("bob")}/b`);
    await bob.send(chat(alice, "offline one"));
    await bob.send(chat(alice, "offline two"));
    await eventually(() => sm().offlineCount(alice) === 2, "two stored messages");

    const a1 = await login(`${alice}/a1`);
    expect(await a1.settle((s) => s.name === "message", 200)).toEqual([]);
    await a1.send(presence());
    const first = await a1.next(isMessageWithBody("offline one"), "first offline message");
    await a1.next(isMessageWithBody("offline two"), "second offline message");
    const delay = findChild(first, "delay", NS.delay);
    expect(delay && attrOf(delay, "from")).toBe("localhost");
    expect(Number.isNaN(Date.parse(attrOf(delay!, "stamp") ?? ""))).toBe(false);
    expect(attrOf(first, "from")).toBe(bob.jid);
    const order = a1.received.filter((s) => s.name === "message").map((s) => s.getChildText("body"));
    expect(order).toEqual(["offline one", "offline two"]);
    expect(sm().offlineCount(alice)).toBe(0);
  });

  it("bounces a groupchat to an account nobody receives for, bare or to a gone resource, and stores nothing (RFC 6121 §8.5.2.2.1, §8.5.3.2.1)", async () => {
    const alice = account("alice");
    const bob = await login(`${account("bob")}/b`);
    await login(`${alice}/nopresence`);
    await bob.send(chat(alice, null, { type: "groupchat", id: "gc-bare" }));
    await bob.send(chat(`${alice}/gone`, "hi", { type: "groupchat", id: "gc-full" }));
    for (const id of ["gc-bare", "gc-full"]) {
      const reply = await bob.next((s) => s.name === "message" && attrOf(s, "id") === id, `bounce of ${id}`);
      expect(attrOf(reply, "type")).toBe("error");
      expect(errorOf(reply)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    }
    expect(sm().offlineCount(alice)).toBe(0);
  });

  it("on an ejabberd host bounces a standalone chat state instead of storing it (the policy's refuseOffline)", async () => {
    const composing = (to: string, id: string) => xml("message", { to, type: "chat", id }, xml("composing", { xmlns: NS.chatStates }));
    const bob = await login(`bob${++n}@ejabberd.localhost/b`);
    const onEjabberd = `alice${++n}@ejabberd.localhost`;
    const onProsody = `alice${++n}@prosody.localhost`;
    await bob.send(composing(onEjabberd, "cs-ejabberd"));
    const reply = await bob.next((s) => s.name === "message" && attrOf(s, "id") === "cs-ejabberd", "bounce");
    expect(errorOf(reply)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    expect(sm().offlineCount(onEjabberd)).toBe(0);
    await bob.send(composing(onProsody, "cs-prosody"));
    await eventually(() => sm().offlineCount(onProsody) === 1, "the chat state stored on the Prosody host");
    expect(bob.received.filter((s) => attrOf(s, "id") === "cs-prosody")).toEqual([]);
  });

  it("answers a message to a domain it does not serve with remote-server-not-found, and drops errors to nowhere", async () => {
    const bob = await login(`${account("bob")}/b`);
    await bob.send(chat("someone@elsewhere.example", "hi", { id: "far" }));
    const reply = await bob.next((s) => s.name === "message" && attrOf(s, "id") === "far", "bounce");
    expect(errorOf(reply)).toMatchObject({ type: "cancel", condition: "remote-server-not-found" });

    await bob.send(chat("someone@elsewhere.example", null, { type: "error", id: "err" }));
    expect(await bob.settle((s) => attrOf(s, "id") === "err")).toEqual([]);
  });
});

describe("resource conflict", () => {
  it("closes the older session with a conflict stream error and keeps the new one", async () => {
    const alice = account("alice");
    const old = await login(`${alice}/phone`);
    const oldId = sm().sessionsOf(alice)[0]?.sessionId;
    await old.send(presence());
    const watcher = await login(`${alice}/watcher`);
    await watcher.send(presence());
    await watcher.next(isPresenceFrom(old.jid), "old presence");

    const replacement = await login(`${alice}/phone`);
    await eventually(() => errorsOf(old.xmpp).some((e) => (e as { condition?: string }).condition === "conflict"), "conflict at the old client");
    await watcher.next(isPresenceFrom(old.jid, "unavailable"), "old session unavailable");
    const phones = sm().sessionsOf(alice).filter((s) => s.resource === "phone");
    expect(phones).toHaveLength(1);
    expect(phones[0]?.sessionId).not.toBe(oldId);
    expect(phones[0]?.presence).toBeNull();

    // The new session works: it receives what is addressed to it.
    const bob = await login(`${account("bob")}/b`);
    await bob.send(chat(`${alice}/phone`, "after conflict"));
    await replacement.next(isMessageWithBody("after conflict"), "message to the replacement");
  });
});
