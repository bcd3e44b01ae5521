/** The push lifecycle per registration: where each push got to, and where one that never left stopped. */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import type { PolicyName } from "../../protocol/policy/types";
import { available, hibernated, input, registration, SINK } from "../../protocol/test-support/policy-fixtures";
import { pushLifecycle, type LifecycleInput } from "./push-lifecycle";

const KEY = { jid: SINK, node: "n-1" };

function lifecycleOf(policy: PolicyName, spec: Parameters<typeof input>[0], facts: Partial<LifecycleInput> = {}) {
  const inp = input(spec);
  const decision = POLICIES[policy].decide(inp);
  return pushLifecycle({
    source: "decision-record",
    policy,
    delivery: inp.delivery,
    verdicts: decision.verdicts,
    registrations: inp.registrations,
    publishes: [],
    answers: [],
    settled: true,
    ...facts,
  });
}

const stagesOf = (l: ReturnType<typeof lifecycleOf>) => l.registrations.map((r) => r.steps.map((s) => `${s.stage}:${s.status}`));

describe("pushLifecycle", () => {
  it("stops at the decision for a registration that was not pushed", () => {
    const l = lifecycleOf("spec", { sessions: [available("laptop")], registrations: [registration("n-1", { away: true })] });
    expect(l.routed).toEqual({ stage: "routed", status: "done", text: "delivered to laptop" });
    expect(stagesOf(l)).toEqual([["decision:stopped"]]);
    expect(l.registrations[0]?.steps[0]?.text).toBe("not pushed: resource laptop is online (available)");
    expect(l.registrations[0]?.stoppedAt).toBe("decision");
  });

  it("goes all the way for an accepted push: publish, result, registration kept", () => {
    const l = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, {
      publishes: [{ key: KEY, iqId: "push-1" }],
      answers: [{ iqId: "push-1", outcome: { kind: "result" }, reaction: { action: "keep", errorCount: 0, why: "accepted" } }],
    });
    expect(l.routed.text).toBe("stored offline (no receiving session)");
    expect(stagesOf(l)).toEqual([["decision:done", "publish:done", "answer:done", "registration:done"]]);
    expect(l.registrations[0]?.steps[3]?.text).toBe("registration kept: accepted");
    expect(l.registrations[0]?.stoppedAt).toBeNull();
  });

  it("ends with the push provider's outcome the sink simulated, after the server's reaction", () => {
    const facts = (provider: "delivered" | "token-expired" | "dropped") => ({
      publishes: [{ key: KEY, iqId: "push-1" }],
      answers: [{ iqId: "push-1", outcome: { kind: "result" } as const, reaction: { action: "keep" as const, errorCount: 0, why: "accepted" }, provider }],
    });
    const delivered = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, facts("delivered"));
    expect(stagesOf(delivered)).toEqual([["decision:done", "publish:done", "answer:done", "registration:done", "provider:done"]]);
    expect(delivered.registrations[0]?.stoppedAt).toBeNull();
    const expired = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, facts("token-expired"));
    expect(expired.registrations[0]?.steps.at(-1)).toEqual({ stage: "provider", status: "stopped", text: "provider: token expired (the device is gone; the App Server will refuse this token)" });
    expect(expired.registrations[0]?.stoppedAt).toBe("provider");
    const dropped = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, facts("dropped"));
    expect(dropped.registrations[0]?.stoppedAt).toBe("provider");
  });

  it("counts an error (Prosody) and removes on one (ejabberd), from the server's reaction", () => {
    const counted = lifecycleOf("prosody", { sessions: [], registrations: [registration("n-1")] }, {
      publishes: [{ key: KEY, iqId: "p" }],
      answers: [{ iqId: "p", outcome: { kind: "error", type: "cancel", condition: "item-not-found" }, reaction: { action: "keep", errorCount: 1, why: "1 of 16" } }],
    });
    expect(counted.registrations[0]?.steps.slice(2).map((s) => s.text)).toEqual(["error type=cancel item-not-found", "error counted (1): 1 of 16"]);
    expect(counted.registrations[0]?.stoppedAt).toBe("answer");
    const removed = lifecycleOf("ejabberd", { sessions: [], registrations: [registration("n-1")] }, {
      publishes: [{ key: KEY, iqId: "p" }],
      answers: [{ iqId: "p", outcome: { kind: "timeout" }, reaction: { action: "remove", errorCount: 1, why: "gone" } }],
    });
    expect(removed.registrations[0]?.steps.slice(2).map((s) => `${s.status} ${s.text}`)).toEqual(["stopped no reply by the timeout", "stopped registration removed: gone"]);
  });

  it("predicts the reaction on a real server from the policy, marked as predicted", () => {
    const l = lifecycleOf("ejabberd", { sessions: [], registrations: [registration("n-1")] }, {
      source: "prediction",
      publishes: [{ key: KEY, iqId: "p" }],
      answers: [{ iqId: "p", outcome: { kind: "error", type: "cancel", condition: "forbidden" } }],
    });
    const last = l.registrations[0]?.steps[3];
    expect(last).toMatchObject({ stage: "registration", status: "predicted" });
    expect(last?.text).toMatch(/^predicted: registration removed: /);
  });

  it("shows a push that never left: no publish after the decision, or still waiting", () => {
    const never = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] });
    expect(stagesOf(never)).toEqual([["decision:done", "publish:stopped"]]);
    expect(never.registrations[0]?.stoppedAt).toBe("publish");
    const unseen = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, { source: "prediction" });
    expect(unseen.registrations[0]?.steps[1]?.text).toBe("no publish reached the App Server sink within the wait window");
    const waiting = lifecycleOf("prosody", { sessions: [hibernated("phone")], registrations: [registration("n-1")] }, { settled: false });
    expect(waiting.registrations[0]?.steps[1]).toEqual({ stage: "publish", status: "pending", text: "waiting 1000 ms before the publish" });
    const answerPending = lifecycleOf("spec", { sessions: [], registrations: [registration("n-1")] }, { publishes: [{ key: KEY, iqId: "p", delayedMs: 1000 }] });
    expect(answerPending.registrations[0]?.steps.slice(1)).toEqual([
      { stage: "publish", status: "done", text: "publish p sent after 1000 ms" },
      { stage: "answer", status: "pending", text: "waiting for the App Server's answer" },
    ]);
  });
});
