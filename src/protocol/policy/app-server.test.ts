/** How each policy reacts to the App Server's answer to a publish (docs/push-semantics.md B.4, C21, C22). */
import { describe, expect, it } from "vitest";
import { registration } from "../test-support/policy-fixtures";
import { POLICIES } from "./index";
import type { AppServerOutcome, AppServerReaction, PolicyName, StanzaErrorSpec } from "./types";

const err = (type: StanzaErrorSpec["type"], condition: string): AppServerOutcome => ({ kind: "error", type, condition });
const RESULT: AppServerOutcome = { kind: "result" };
const TIMEOUT: AppServerOutcome = { kind: "timeout" };

interface Case {
  policy: PolicyName;
  outcome: AppServerOutcome;
  /** errorCount before. */
  before?: number;
  action: AppServerReaction["action"];
  errorCount: number;
}

const label = (o: AppServerOutcome): string => (o.kind === "error" ? `${o.type}/${o.condition}` : o.kind);

const CASES: Case[] = [
  // spec: by type; wait and timeouts keep.
  { policy: "spec", outcome: RESULT, before: 3, action: "keep", errorCount: 0 },
  { policy: "spec", outcome: err("wait", "resource-constraint"), before: 1, action: "keep", errorCount: 1 },
  { policy: "spec", outcome: err("wait", "internal-server-error"), action: "keep", errorCount: 0 },
  { policy: "spec", outcome: err("cancel", "item-not-found"), action: "remove", errorCount: 1 },
  { policy: "spec", outcome: err("cancel", "service-unavailable"), action: "remove", errorCount: 1 },
  { policy: "spec", outcome: err("auth", "forbidden"), action: "remove", errorCount: 1 },
  { policy: "spec", outcome: err("modify", "bad-request"), action: "remove", errorCount: 1 },
  { policy: "spec", outcome: TIMEOUT, before: 2, action: "keep", errorCount: 2 },
  // tigase: by condition, whatever the type.
  { policy: "tigase", outcome: RESULT, before: 2, action: "keep", errorCount: 0 },
  { policy: "tigase", outcome: err("cancel", "remote-server-timeout"), action: "keep", errorCount: 1 },
  { policy: "tigase", outcome: err("cancel", "service-unavailable"), action: "keep", errorCount: 1 },
  { policy: "tigase", outcome: err("wait", "internal-server-error"), action: "keep", errorCount: 0 },
  { policy: "tigase", outcome: err("modify", "bad-request"), action: "keep", errorCount: 1 },
  { policy: "tigase", outcome: err("cancel", "item-not-found"), action: "remove", errorCount: 1 },
  { policy: "tigase", outcome: err("auth", "forbidden"), action: "remove", errorCount: 1 },
  { policy: "tigase", outcome: err("auth", "not-authorized"), action: "remove", errorCount: 1 },
  { policy: "tigase", outcome: err("wait", "resource-constraint"), action: "remove", errorCount: 0 },
  { policy: "tigase", outcome: err("cancel", "x-made-up-condition"), action: "keep", errorCount: 1 },
  { policy: "tigase", outcome: TIMEOUT, action: "keep", errorCount: 0 },
  // prosody: by type, non-wait errors counted, removed at 16, result resets.
  { policy: "prosody", outcome: RESULT, before: 15, action: "keep", errorCount: 0 },
  { policy: "prosody", outcome: err("cancel", "item-not-found"), before: 0, action: "keep", errorCount: 1 },
  { policy: "prosody", outcome: err("cancel", "service-unavailable"), before: 14, action: "keep", errorCount: 15 },
  { policy: "prosody", outcome: err("auth", "forbidden"), before: 15, action: "remove", errorCount: 16 },
  { policy: "prosody", outcome: err("wait", "resource-constraint"), before: 15, action: "keep", errorCount: 15 },
  { policy: "prosody", outcome: TIMEOUT, before: 15, action: "keep", errorCount: 15 },
  // ejabberd: by type, any non-wait error removes at once.
  { policy: "ejabberd", outcome: RESULT, action: "keep", errorCount: 0 },
  { policy: "ejabberd", outcome: err("wait", "resource-constraint"), action: "keep", errorCount: 0 },
  { policy: "ejabberd", outcome: err("cancel", "service-unavailable"), action: "remove", errorCount: 1 },
  { policy: "ejabberd", outcome: err("modify", "bad-request"), action: "remove", errorCount: 1 },
  { policy: "ejabberd", outcome: TIMEOUT, action: "keep", errorCount: 0 },
];

describe("App Server outcome reactions", () => {
  it.each(CASES.map((c) => ({ ...c, name: `${c.policy}: ${label(c.outcome)} with ${c.before ?? 0} errors so far → ${c.action}, count ${c.errorCount}` })))(
    "$name",
    ({ policy, outcome, before, action, errorCount }) => {
      const reaction = POLICIES[policy].onAppServerOutcome(registration("n-1", { errorCount: before ?? 0 }), outcome);
      expect(reaction.action).toBe(action);
      expect(reaction.errorCount).toBe(errorCount);
      expect(reaction.why.length).toBeGreaterThan(20);
      if (outcome.kind === "error") expect(reaction.why).toContain(outcome.condition);
    },
  );
});

/** Replays outcomes on one registration the way the server would, until it is removed. */
function replay(policy: PolicyName, outcomes: AppServerOutcome[]): { removedAfter: number | null; errorCount: number } {
  let reg = registration("n-1");
  for (const [i, outcome] of outcomes.entries()) {
    const reaction = POLICIES[policy].onAppServerOutcome(reg, outcome);
    if (reaction.action === "remove") return { removedAfter: i + 1, errorCount: reaction.errorCount };
    reg = { ...reg, errorCount: reaction.errorCount };
  }
  return { removedAfter: null, errorCount: reg.errorCount };
}

describe("error sequences (C21, C22)", () => {
  const cancel = err("cancel", "item-not-found");

  it("Prosody removes a registration at the 16th counted error, not before", () => {
    expect(replay("prosody", Array(15).fill(cancel))).toEqual({ removedAfter: null, errorCount: 15 });
    expect(replay("prosody", Array(20).fill(cancel))).toEqual({ removedAfter: 16, errorCount: 16 });
    expect(POLICIES.prosody.onAppServerOutcome(registration("n-1", { errorCount: 15 }), cancel).why).toMatch(/error 16 of 16/);
  });

  it("Prosody starts counting again after a result", () => {
    const outcomes = [...Array(15).fill(cancel), RESULT, ...Array(15).fill(cancel)];
    expect(replay("prosody", outcomes)).toEqual({ removedAfter: null, errorCount: 15 });
  });

  it("type=wait errors never remove a registration under spec, Prosody or ejabberd (C22)", () => {
    const waits = Array(40).fill(err("wait", "internal-server-error"));
    for (const policy of ["spec", "prosody", "ejabberd", "tigase"] as const) expect(replay(policy, waits).removedAfter).toBeNull();
  });

  it.each<[PolicyName, number | null]>([
    ["spec", 1],
    ["tigase", 1],
    ["prosody", 16],
    ["ejabberd", 1],
  ])("C21 item-not-found: %s removes after %s error(s)", (policy, after) => {
    expect(replay(policy, Array(20).fill(cancel)).removedAfter).toBe(after);
  });

  it("a silent App Server (timeouts) never removes a registration", () => {
    for (const policy of ["spec", "tigase", "prosody", "ejabberd"] as const) expect(replay(policy, Array(20).fill(TIMEOUT)).removedAfter).toBeNull();
  });
});
