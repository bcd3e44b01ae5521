// Policy identification and verdict counts on hand-made evidence.
import { describe, expect, it } from "vitest";
import type { PolicyName } from "../protocol/policy/types";
import { describeIdentification, identifyPolicy, summarize } from "./identify";

const ALL: PolicyName[] = ["spec", "tigase", "prosody", "ejabberd"];
const evidence = (matches: PolicyName[], comparable: PolicyName[] = ALL) => ({ matches, comparable });

describe("identifyPolicy", () => {
  it("scores every policy by the scenarios that give evidence about it and picks the best", () => {
    const id = identifyPolicy({
      scenarios: [evidence(["prosody", "ejabberd"]), evidence(["prosody"]), evidence(ALL), evidence([], []), evidence(["ejabberd", "spec"])],
    });
    expect(id.scores).toEqual({
      spec: { matched: 2, total: 4 },
      tigase: { matched: 1, total: 4 },
      prosody: { matched: 3, total: 4 },
      ejabberd: { matched: 3, total: 4 },
    });
    expect(id.best).toBe("prosody");
    expect(id.candidates).toEqual(["prosody", "ejabberd"]);
  });

  it("ranks by share before count, so a policy that asserts less is not penalised", () => {
    const id = identifyPolicy({ scenarios: [evidence(["tigase"], ["tigase"]), evidence(["spec"], ["spec", "prosody"]), evidence(["spec", "prosody"], ["spec", "prosody"])] });
    // tigase 1/1 beats spec 2/2? Equal share: more matches wins.
    expect(id.best).toBe("spec");
    expect(id.candidates).toEqual(["spec"]);
    expect(id.scores.tigase).toEqual({ matched: 1, total: 1 });
    expect(id.scores.prosody).toEqual({ matched: 1, total: 2 });
  });

  it("breaks an exact tie by the order of the policies and reports every candidate", () => {
    const id = identifyPolicy({ scenarios: [evidence(["ejabberd", "tigase"])] });
    expect(id.best).toBe("tigase");
    expect(id.candidates).toEqual(["tigase", "ejabberd"]);
  });

  it("has no evidence for an empty report", () => {
    const id = identifyPolicy({ scenarios: [] });
    expect(id.best).toBe("spec");
    expect(id.scores.spec).toEqual({ matched: 0, total: 0 });
    expect(describeIdentification(id)).toBe("behaves like: not enough evidence yet");
  });
});

describe("describeIdentification", () => {
  it("says 'behaves like X: n/m' and lists the others by score (ties in policy order)", () => {
    const id = identifyPolicy({ scenarios: [evidence(["prosody", "ejabberd"]), evidence(["prosody"]), evidence(["prosody", "spec"])] });
    expect(describeIdentification(id)).toBe("behaves like prosody: 3/3 (spec 1/3, ejabberd 1/3, tigase 0/3)");
  });

  it("says when the evidence cannot tell policies apart", () => {
    const id = identifyPolicy({ scenarios: [evidence(["prosody", "ejabberd"])] });
    expect(describeIdentification(id)).toBe("behaves like prosody or ejabberd (cannot tell apart): 1/1 (ejabberd 1/1, spec 0/1, tigase 0/1)");
  });
});

describe("summarize", () => {
  it("counts verdicts and lists failed scenarios, MUST ones apart", () => {
    const summary = summarize([
      { id: "C1", level: "MUST", verdict: "fail" },
      { id: "C2", level: "MUST", verdict: "n/a" },
      { id: "C3", level: "SHOULD", verdict: "fail" },
      { id: "C4", level: "MUST", verdict: "pass" },
      { id: "C7", level: "INFO", verdict: "info" },
    ]);
    expect(summary).toEqual({ counts: { pass: 1, fail: 2, info: 1, "n/a": 1 }, failed: ["C1", "C3"], failedMust: ["C1"] });
  });
});
