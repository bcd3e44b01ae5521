// Which messages a policy refuses to store offline (PushPolicy.refuseOffline), from real stanzas:
// ejabberd 23.01 bounced B's standalone chat state to an account with nobody available (found by
// the differential run, README "Conformance"); the other policies store it.
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
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
