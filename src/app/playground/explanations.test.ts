/** The explanations service on its own: what it writes for the selection, from a record or a malformed one. */
import { beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import type { MessageDecisionEntry } from "../../protocol/push-log";
import { available, input, registration } from "../../protocol/test-support/policy-fixtures";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { addEvents, messageSent, pushEvent } from "../test-support/render";
import { createExplanationService, preloadExplanations } from "./explanations";

function setUp() {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const service = createExplanationService({ stores, accountBare: () => "alice@localhost", sinkJid: () => "pushsvc@localhost/sink", policyOptions: DEFAULT_POLICY_OPTIONS });
  return { stores, service };
}

function decisionEntry(messageId: string): MessageDecisionEntry {
  const inp = input({ sessions: [available("phone", "away"), available("laptop")], registrations: [registration("n-3f9", { away: true, by: "phone" })] });
  return {
    kind: "message-decision", seq: 7, at: new Date(0).toISOString(), host: "localhost", policy: "spec", account: inp.account,
    messageId, from: inp.message.from, to: inp.account, sessions: inp.sessions, registrations: inp.registrations, delivery: inp.delivery,
    decision: POLICIES.spec.decide(inp), message: inp.message, options: inp.options, pushedSinceOnline: inp.pushedSinceOnline, offlineCount: inp.offlineCount,
  };
}

describe("explanations service", () => {
  // The builder is its own chunk in the app; loaded once here, the service explains synchronously.
  beforeAll(() => preloadExplanations());
  it("explains the selected sent message from the server's record, and clears when the selection is something else", () => {
    const { stores, service } = setUp();
    const sent = messageSent({ messageId: "m-1" });
    const other = pushEvent();
    addEvents(stores, [sent]);
    service.logEntry(decisionEntry("m-1"));
    stores.timeline.getState().select(sent.id);
    const current = stores.explanations.getState().current;
    expect(current).toMatchObject({ eventId: sent.id, messageId: "m-1", status: "ready", source: "decision-record", policy: "spec", canTry: true });
    expect(current?.card?.headline).toBe("Not pushed: laptop is online (available), so spec pushes nothing.");
    expect(current?.counterfactuals[0]?.sentence).toMatch(/^would have been pushed to n-3f9 if laptop had been away instead of available/);
    expect(current?.markdown).toContain("**Lifecycle**");
    addEvents(stores, [other]);
    stores.timeline.getState().select(other.id);
    expect(stores.explanations.getState().current).toBeNull();
    service.dispose();
  });

  it("ignores another account's records, and says why a message without a record or prediction cannot be explained", () => {
    const { stores, service } = setUp();
    const sent = messageSent({ messageId: "m-2" });
    addEvents(stores, [sent]);
    service.logEntry({ ...decisionEntry("m-2"), account: "mallory@localhost" });
    stores.timeline.getState().select(sent.id);
    expect(stores.explanations.getState().current).toMatchObject({ status: "unavailable", why: expect.stringContaining("has no prediction") });
    service.dispose();
  });

  it("does not trust a malformed record: it falls back to what else it knows", () => {
    const { stores, service } = setUp();
    const sent = messageSent({ messageId: "m-3" });
    addEvents(stores, [sent]);
    service.logEntry({ ...decisionEntry("m-3"), sessions: "not a list" as never });
    stores.timeline.getState().select(sent.id);
    expect(stores.explanations.getState().current).toMatchObject({ status: "unavailable" });
    service.dispose();
  });

  it("forgets the last Try it outcome when another message is explained", () => {
    const { stores, service } = setUp();
    const a = messageSent({ messageId: "m-a" });
    const b = messageSent({ messageId: "m-b" });
    addEvents(stores, [a, b]);
    service.logEntry(decisionEntry("m-a"));
    service.logEntry({ ...decisionEntry("m-b"), seq: 8 });
    stores.timeline.getState().select(a.id);
    stores.explanations.getState().setTrial({ changeId: "x", status: "done", text: "laptop is now away" });
    stores.timeline.getState().select(b.id);
    expect(stores.explanations.getState().current?.eventId).toBe(b.id);
    expect(stores.explanations.getState().trial).toBeNull();
    service.dispose();
  });
});
