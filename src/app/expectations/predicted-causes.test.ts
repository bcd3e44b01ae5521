import { describe, expect, it } from "vitest";
import type { PolicyName, SummaryFields } from "../../protocol/policy/types";
import type { PushEvent } from "../model";
import { SINK } from "../test-support/expectation-fixtures";
import { createPredictedCauses, fitsSummary } from "./predicted-causes";
import type { PredictedPresencePush } from "./presence-pushes";

const PROSODY_SUMMARY: SummaryFields = { formType: "form", messageCount: 1 };
const EJABBERD_SUMMARY: SummaryFields = { omitForm: true };
/** What the sink reads of Prosody's unimportant push (a form, no body) and of ejabberd's (no form). */
const formWithoutBody: PushEvent["notification"] = { formType: "form", messageCount: 1, otherFields: [] };
const withBody: PushEvent["notification"] = { formType: "form", messageCount: 1, lastMessageBody: "New Message!", otherFields: [] };

function predicted(policy: PolicyName, node: string, delayMs: number): PredictedPresencePush {
  const cause = { kind: "presence-queued" as const, from: "laptop", to: "phone", unavailable: false, relayed: false };
  return {
    policy,
    key: { jid: SINK, node },
    summary: policy === "prosody" ? PROSODY_SUMMARY : EJABBERD_SUMMARY,
    delayMs,
    rule: `${policy}/stanza-queued`,
    reason: "the policy's reason",
    cause,
    sentence: `pushed because the presence of laptop was queued to hibernated phone (${policy})`,
  };
}

const both = (node = "n-1") => [predicted("prosody", node, 1000), predicted("ejabberd", node, 0)];

describe("fitsSummary", () => {
  it("tells Prosody's unimportant push, ejabberd's form-less one and a message's push apart", () => {
    expect(fitsSummary(PROSODY_SUMMARY, formWithoutBody)).toBe(true);
    expect(fitsSummary(PROSODY_SUMMARY, withBody)).toBe(false);
    expect(fitsSummary(PROSODY_SUMMARY, null)).toBe(false);
    expect(fitsSummary(EJABBERD_SUMMARY, null)).toBe(true);
    expect(fitsSummary(EJABBERD_SUMMARY, formWithoutBody)).toBe(false);
  });
});

describe("createPredictedCauses", () => {
  it("ties a push to the presence whose prediction it fits, under the policy whose shape it has, once", () => {
    const causes = createPredictedCauses(() => 3000);
    causes.add({ eventId: "presence-1", at: 10_000, pushes: both() });
    const cause = causes.match({ to: SINK, node: "n-1", at: 11_050, notification: formWithoutBody });
    expect(cause).toEqual({
      eventId: "presence-1",
      policies: ["prosody"],
      detail: "predicted: pushed because the presence of laptop was queued to hibernated phone (prosody). Under the prosody policy (prosody/stanza-queued): the policy's reason",
    });
    // Used: a second push of the node is not that presence's.
    expect(causes.match({ to: SINK, node: "n-1", at: 11_100, notification: formWithoutBody })).toBeNull();
  });

  it("refuses another node, a push with a body (a message's), and one after the window", () => {
    const causes = createPredictedCauses(() => 3000);
    causes.add({ eventId: "presence-1", at: 10_000, pushes: both() });
    expect(causes.match({ to: SINK, node: "n-2", at: 10_100, notification: null })).toBeNull();
    expect(causes.match({ to: SINK, node: "n-1", at: 10_100, notification: withBody })).toBeNull();
    expect(causes.match({ to: SINK, node: "n-1", at: 14_100, notification: null })).toBeNull();
    expect(causes.size).toBe(0);
  });

  it("ejabberd pushes each presence; Prosody's batch folds the presences within its 1 s into one push", () => {
    const ejabberd = createPredictedCauses(() => 3000);
    ejabberd.add({ eventId: "p-1", at: 10_000, pushes: [predicted("ejabberd", "n-1", 0)] });
    ejabberd.add({ eventId: "p-2", at: 10_300, pushes: [predicted("ejabberd", "n-1", 0)] });
    expect(ejabberd.match({ to: SINK, node: "n-1", at: 10_010, notification: null })?.eventId).toBe("p-1");
    expect(ejabberd.match({ to: SINK, node: "n-1", at: 10_310, notification: null })?.eventId).toBe("p-2");

    const prosody = createPredictedCauses(() => 3000);
    prosody.add({ eventId: "p-1", at: 10_000, pushes: [predicted("prosody", "n-1", 1000)] });
    prosody.add({ eventId: "p-2", at: 10_300, pushes: [predicted("prosody", "n-1", 1000)] });
    expect(prosody.match({ to: SINK, node: "n-1", at: 11_000, notification: formWithoutBody })?.eventId).toBe("p-1");
    expect(prosody.match({ to: SINK, node: "n-1", at: 11_400, notification: formWithoutBody })).toBeNull();
  });

  it("matches the registration's jid case-insensitively in its bare part", () => {
    const causes = createPredictedCauses(() => 3000);
    causes.add({ eventId: "p-1", at: 10_000, pushes: [predicted("ejabberd", "n-1", 0)] });
    expect(causes.match({ to: SINK.replace("pushsvc", "PushSvc"), node: "n-1", at: 10_000, notification: null })?.eventId).toBe("p-1");
  });

  it("a push recorded just before its presence (ejabberd pushes at once) is explained when the presence is predicted", () => {
    const causes = createPredictedCauses(() => 3000);
    causes.unexplained("push-old", { to: SINK, node: "n-1", at: 7_000, notification: null });
    causes.unexplained("push-1", { to: SINK, node: "n-1", at: 9_990, notification: null });
    causes.unexplained("push-body", { to: SINK, node: "n-1", at: 9_995, notification: withBody });
    const explained = causes.add({ eventId: "p-1", at: 10_000, pushes: both() });
    expect(explained.map((e) => [e.pushEventId, e.cause.eventId, e.cause.policies])).toEqual([["push-1", "p-1", ["ejabberd"]]]);
    // The server log linked one: no later presence takes it.
    causes.unexplained("push-2", { to: SINK, node: "n-2", at: 10_500, notification: null });
    causes.explained("push-2");
    expect(causes.add({ eventId: "p-2", at: 10_600, pushes: both("n-2") })).toEqual([]);
  });
});
