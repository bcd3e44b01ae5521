import { describe, expect, it } from "vitest";
import type { DiscoResult } from "../model";
import { awaySupport, awayToggleExplanation, createDiscoStore } from "./disco";

function result(target: "account" | "domain", features: string[]): DiscoResult {
  return {
    target,
    jid: target === "account" ? "alice@localhost" : "localhost",
    at: 1,
    fromSessionId: "res-1",
    outcome: "result",
    identities: [],
    features: features.map((f) => ({ var: f, highlight: null })),
    supportsPush: features.includes("urn:xmpp:push:0"),
    supportsAway: features.includes("tigase:push:away:0"),
  };
}

describe("disco store", () => {
  it("explains the away toggle from what the server advertises", () => {
    const store = createDiscoStore();
    expect(awaySupport(store.getState())).toBe("unknown");
    expect(awayToggleExplanation(store.getState())).toMatch(/Connect a resource of the account: disco#info runs on connect/);
    store.getState().setPending("account", true);
    store.getState().setResult(result("account", ["urn:xmpp:push:0"]));
    expect(store.getState().pending.account).toBe(false);
    expect(awaySupport(store.getState())).toBe("not-advertised");
    expect(awayToggleExplanation(store.getState())).toMatch(/does not advertise tigase:push:away:0/);
    store.getState().setResult(result("domain", ["urn:xmpp:push:0", "tigase:push:away:0"]));
    expect(awaySupport(store.getState())).toBe("advertised");
    store.getState().clear();
    expect(store.getState().results).toEqual({ account: null, domain: null });
  });
});
