import { describe, expect, it } from "vitest";
import type { PolicyName } from "../../protocol/policy/types";
import { chooseExpectationPolicy, EMPTY_SCORES, rescore, summarizeScores, type Scores } from "./policy-match";
import type { ExpectationRecord, PolicyVerdict, VerdictStatus } from "./types";

function verdicts(statuses: Record<PolicyName, VerdictStatus>): Pick<ExpectationRecord, "verdicts"> {
  const v = {} as Record<PolicyName, PolicyVerdict>;
  for (const [policy, status] of Object.entries(statuses) as [PolicyName, VerdictStatus][]) {
    v[policy] = { policy, status, missing: [], unexpected: [], duplicates: [], unobservableKeys: [], sentence: status };
  }
  return { verdicts: v };
}

const prosodyLike = verdicts({ spec: "mismatch", tigase: "mismatch", prosody: "match", ejabberd: "match" });
const allMatch = verdicts({ spec: "match", tigase: "match", prosody: "match", ejabberd: "match" });
const prosodyOnly = verdicts({ spec: "mismatch", tigase: "mismatch", prosody: "match", ejabberd: "mismatch" });

function scoreOf(...records: Pick<ExpectationRecord, "verdicts">[]): Scores {
  return records.reduce<Scores>((s, r) => rescore(s, undefined, r), EMPTY_SCORES);
}

describe("rescore", () => {
  it("counts judged messages only (pending and unobservable are left out)", () => {
    const pending = verdicts({ spec: "pending", tigase: "pending", prosody: "pending", ejabberd: "pending" });
    const blind = verdicts({ spec: "unobservable", tigase: "unobservable", prosody: "unobservable", ejabberd: "unobservable" });
    expect(scoreOf(pending, blind)).toBe(EMPTY_SCORES);
    expect(scoreOf(prosodyLike, allMatch)).toEqual({
      spec: { matched: 1, judged: 2 },
      tigase: { matched: 1, judged: 2 },
      prosody: { matched: 2, judged: 2 },
      ejabberd: { matched: 2, judged: 2 },
    });
  });

  it("takes back a revised verdict's old contribution", () => {
    const before = scoreOf(prosodyLike);
    const revised = rescore(before, prosodyLike, allMatch);
    expect(revised.spec).toEqual({ matched: 1, judged: 1 });
    expect(revised.prosody).toEqual({ matched: 1, judged: 1 });
  });
});

describe("summarizeScores", () => {
  it("says which policy the server behaves like, with ties listed, and one line per policy", () => {
    const s = summarizeScores(scoreOf(...Array.from({ length: 6 }, () => prosodyLike), prosodyOnly));
    expect(s.text).toBe("behaves like prosody: 7/7 messages");
    expect(s.best).toEqual(["prosody"]);
    expect(s.lines).toEqual(["spec: 0/7 messages matched", "tigase: 0/7 messages matched", "prosody: 7/7 messages matched", "ejabberd: 6/7 messages matched"]);
    expect(summarizeScores(scoreOf(prosodyLike)).text).toBe("behaves like prosody and ejabberd: 1/1 message");
  });

  it("says 'closest to' when no policy matched every message, and nothing before any verdict", () => {
    expect(summarizeScores(scoreOf(prosodyLike, verdicts({ spec: "match", tigase: "mismatch", prosody: "mismatch", ejabberd: "mismatch" }))).text).toBe(
      "closest to spec, prosody and ejabberd: 1/2 messages",
    );
    expect(summarizeScores(EMPTY_SCORES)).toMatchObject({ text: "no verdicts yet", best: [] });
  });
});

describe("chooseExpectationPolicy", () => {
  const scores = scoreOf(prosodyOnly);
  it("prefers the pin, then the server log's policy, then the best match, then spec", () => {
    expect(chooseExpectationPolicy({ pinned: "tigase", serverPolicy: "spec", scores })).toMatchObject({ policy: "tigase", source: "pinned" });
    expect(chooseExpectationPolicy({ pinned: null, serverPolicy: "ejabberd", scores })).toMatchObject({ policy: "ejabberd", source: "server log" });
    expect(chooseExpectationPolicy({ pinned: null, serverPolicy: null, scores })).toEqual({ policy: "prosody", source: "best match", why: "best match so far (1/1 message)" });
    expect(chooseExpectationPolicy({ pinned: null, serverPolicy: null, scores: EMPTY_SCORES })).toMatchObject({ policy: "spec", source: "default" });
  });
});
