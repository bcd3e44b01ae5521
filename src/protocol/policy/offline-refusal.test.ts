// Which messages a policy refuses to store offline (PushPolicy.refuseOffline), from real stanzas:
// ejabberd 23.01 bounced B's standalone chat state to an account with nobody available (found by
// the differential run, README "Conformance"); the other policies store it.
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { input, noPresence, registration } from "../test-support/policy-fixtures";
import { getPolicy } from "./index";

const own = { ownDomain: "localhost" };
const snapshot = (xml: string) => messageSnapshot(parseXml(xml), own);

const COMPOSING = `<message xmlns="jabber:client" type="chat" to="alice@localhost" id="m1"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`;
const EMPTY_BODY = `<message xmlns="jabber:client" type="chat" to="alice@localhost" id="m2"><body></body></message>`;
const WITH_BODY = `<message xmlns="jabber:client" type="chat" to="alice@localhost" id="m3"><body>hi</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>`;

describe("refuseOffline", () => {
  it("ejabberd bounces a standalone chat state with service-unavailable and stores the rest", () => {
    const ejabberd = getPolicy("ejabberd");
    expect(ejabberd.refuseOffline?.(snapshot(COMPOSING))).toEqual({ type: "cancel", condition: "service-unavailable" });
    expect(ejabberd.refuseOffline?.(snapshot(EMPTY_BODY))).toBeNull();
    expect(ejabberd.refuseOffline?.(snapshot(WITH_BODY))).toBeNull();
  });

  it.each(["spec", "tigase", "prosody"] as const)("%s stores a standalone chat state", (name) => {
    expect(getPolicy(name).refuseOffline?.(snapshot(COMPOSING)) ?? null).toBeNull();
  });
});

describe("ejabberd: a bounced standalone chat state", () => {
  it("pushes nothing, not even for a hibernated enabler", () => {
    const message = snapshot(COMPOSING.replace('type="chat"', 'type="normal"'));
    const ejabberd = getPolicy("ejabberd");
    const sessions = [{ ...noPresence("A2"), state: "hibernated" as const }];
    const registrations = [registration("N1", { by: "A2" })];
    const routed = input({ sessions, registrations, message });
    expect(routed.delivery.storedOffline).toBe(true);
    // What the server does with it on an ejabberd host (messages.ts): bounce instead of store.
    const bounce = ejabberd.refuseOffline?.(message);
    expect(bounce).toEqual({ type: "cancel", condition: "service-unavailable" });
    const decision = ejabberd.decide({ ...routed, delivery: { deliveredTo: [], storedOffline: false, bounce: bounce ?? undefined }, offlineCount: 0 });
    expect(decision.rule).toBe("ejabberd/bounced");
    expect(decision.verdicts.map((v) => v.push)).toEqual([false]);
  });
});
