// mod_mam archives an error message to a full JID of the account, bound or not (should_store:
// "bounce"), and mod_cloud_notify's MAM hook pushes the registrations no live session holds, as
// long as the account has a session. Differential run against Prosody 0.12, seed 8 #301 and #345.
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { available, hibernated, input, noPresence, registration } from "../test-support/policy-fixtures";
import { getPolicy } from "./index";

const error = (to: string) =>
  messageSnapshot(parseXml(`<message xmlns="jabber:client" type="error" to="${to}" id="x"><body>m</body><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`), { ownDomain: "localhost" });
const pushed = (spec: Parameters<typeof input>[0]) => getPolicy("prosody").decide(input(spec)).verdicts.filter((v) => v.push).map((v) => v.key.node);

describe("prosody: an error message with a body to a full JID", () => {
  it("to a resource that is not bound, while another session is connected: the gone enabler's registration is pushed (#301)", () => {
    expect(pushed({ sessions: [noPresence("A1")], registrations: [registration("N1", { by: "A2" })], message: error("alice@localhost/A2") })).toEqual(["N1"]);
  });

  it("pushes the older registration of a live session, not the one it holds (#345)", () => {
    const registrations = [registration("N1", { by: "A1" }), registration("N2", { by: "A1" })];
    expect(pushed({ sessions: [available("A1")], registrations, message: error("alice@localhost/A3") })).toEqual(["N1"]);
  });

  it("pushes nothing with no session of the account (the MAM hook needs one) or to the bare JID (not archived)", () => {
    const registrations = [registration("N1", { by: "A2" })];
    expect(pushed({ sessions: [], registrations, message: error("alice@localhost/A2") })).toEqual([]);
    expect(pushed({ sessions: [available("A1")], registrations, message: error("alice@localhost") })).toEqual([]);
  });

  it("queued to a hibernated session: its queue pushes the one it holds, the MAM hook the older one (seed 33 #197)", () => {
    const registrations = [registration("N1", { by: "A2" }), registration("N2", { by: "A2" })];
    const decision = getPolicy("prosody").decide(input({ sessions: [hibernated("A2")], registrations, message: error("alice@localhost/A2") }));
    expect(decision.verdicts.map((v) => [v.key.node, v.push, v.delayMs ?? decision.delayMs])).toEqual([["N1", true, 0], ["N2", true, 1000]]);
    expect(decision.summary.lastMessageBody).toBe("New Message!");
  });
});
