// A presence from another resource queued to a hibernated session: Prosody and ejabberd push the
// registration the session holds (PushPolicy.onStanzaQueued); spec and Tigase have no such trigger.
import { describe, expect, it } from "vitest";
import { available, hibernated, registration } from "../test-support/policy-fixtures";
import { getPolicy } from "./index";
import type { HibernationInput, PolicyName } from "./types";

const input = (over: Partial<HibernationInput> = {}): HibernationInput => ({
  account: "alice@localhost",
  sessions: [hibernated("A2"), available("A1")],
  registrations: [registration("N1", { by: "A2" }), registration("N2", { by: "A1" })],
  sessionId: "sess-A2",
  queued: [{ name: "presence" }],
  options: { awayShows: ["away", "xa"], includeBody: true },
  ...over,
});

describe("a presence queued to a hibernated session", () => {
  it("prosody: its registration after the 1 s timer, without a body field", () => {
    const d = getPolicy("prosody").onStanzaQueued?.(input());
    expect(d).toMatchObject({ rule: "prosody/stanza-queued", delayMs: 1000, pushes: [{ key: { node: "N1" }, summary: { formType: "form", messageCount: 1 } }] });
    expect(d?.pushes[0]?.summary.lastMessageBody).toBeUndefined();
  });

  it("ejabberd: its registration at once, without a summary form", () => {
    const d = getPolicy("ejabberd").onStanzaQueued?.(input());
    expect(d?.rule).toBe("ejabberd/stanza-queued");
    expect(d?.pushes.map((p) => [p.key.node, p.summary.omitForm])).toEqual([["N1", true]]);
  });

  it("nothing for a session that holds no registration, nor under spec and Tigase", () => {
    expect(getPolicy("prosody").onStanzaQueued?.(input({ registrations: [registration("N2", { by: "A1" })] }))).toBeNull();
    expect(getPolicy("ejabberd").onStanzaQueued?.(input({ registrations: [] }))).toBeNull();
    for (const name of ["spec", "tigase"] as PolicyName[]) expect(getPolicy(name).onStanzaQueued).toBeUndefined();
  });
});
