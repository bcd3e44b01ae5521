// The judge on hand-made observations: verdicts, per-part levels, needs gating, payload checks.
import { describe, expect, it } from "vitest";
import { NS } from "../protocol/ns";
import type { PolicyName } from "../protocol/policy/types";
import { SCENARIOS, describeScenarios, scenarioById } from "./catalogue";
import type { Expectation, ScenarioInfo } from "./expectations";
import { judge, matchingPolicies } from "./judge";
import type { IqOutcome, Observation, ObservedPublish, ProbeRecord, SentMessage } from "./types";

const SENDER = "bob@localhost/B";

function sent(body: string | undefined): SentMessage {
  return { seq: 1, at: 0, from: SENDER, to: "alice@localhost", type: "chat", id: "m1", ...(body !== undefined ? { body } : {}) };
}

function publish(nodeLabel: string, overrides: Partial<ObservedPublish> = {}): ObservedPublish {
  return {
    seq: 1,
    at: 0,
    iqId: "p1",
    from: "localhost",
    to: "pushsvc@localhost/sink",
    node: `${nodeLabel.toLowerCase()}-abc`,
    nodeLabel,
    kind: "message",
    summary: { formType: "submit", messageCount: 1, lastMessageSender: SENDER, lastMessageBody: "hi", otherFields: [] },
    publishOptions: null,
    extraChildren: [],
    warnings: [],
    answer: { kind: "result" },
    xml: "<iq/>",
    ...overrides,
  };
}

function probe(label: string, publishes: ObservedPublish[], extra: Partial<ProbeRecord> = {}): ProbeRecord {
  return { label, startedAt: 0, endedAt: 1, publishes, deliveries: [], sent: [sent("hi")], ...extra };
}

function iq(label: string, outcome: Partial<IqOutcome> = {}): IqOutcome {
  return { label, kind: "enable", resource: "A2", at: 0, request: { iqType: "set" }, outcome: "result", resultChildren: 0, ...outcome };
}

function observation(parts: Partial<Observation> = {}): Observation {
  return {
    startedAt: 0,
    endedAt: 1,
    account: "alice@localhost",
    domain: "localhost",
    sender: SENDER,
    sink: "pushsvc@localhost/sink",
    features: null,
    nodes: {},
    iqs: [],
    probes: [],
    publishes: [],
    deliveries: [],
    sent: [],
    steps: [],
    errors: [],
    ...parts,
  };
}

function fixture(level: ScenarioInfo["level"], expected: Expectation, extra: Partial<ScenarioInfo> = {}): ScenarioInfo {
  return {
    id: "X",
    name: "fixture",
    level,
    setup: "",
    action: "",
    expectation: "",
    backing: "",
    expected: { spec: expected, tigase: { record: "anything" }, prosody: { na: "not modelled" }, ejabberd: expected },
    ...extra,
  };
}

describe("judge", () => {
  const oneProbe: Expectation = { iqs: { enable: "result" }, probes: { message: { push: ["N"] } } };

  it("passes when pushes and iqs match", () => {
    const obs = observation({ iqs: [iq("enable")], probes: [probe("message", [publish("N")])] });
    expect(judge(fixture("MUST", oneProbe), "spec", obs)).toMatchObject({ verdict: "pass", matched: true, mismatches: [] });
  });

  it("fails a MUST scenario on a missing or an extra push, naming both", () => {
    const missing = judge(fixture("MUST", oneProbe), "spec", observation({ iqs: [iq("enable")], probes: [probe("message", [])] }));
    expect(missing.verdict).toBe("fail");
    expect(missing.mismatches).toEqual(["probe message: expected N, pushed nothing"]);
    const duplicate = judge(fixture("MUST", oneProbe), "spec", observation({ iqs: [iq("enable")], probes: [probe("message", [publish("N"), publish("N")])] }));
    expect(duplicate.mismatches).toEqual(["probe message: expected N, pushed N, N"]);
  });

  it("reports an INFO scenario's difference as info, never fail", () => {
    const result = judge(fixture("INFO", oneProbe), "spec", observation({ iqs: [iq("enable")], probes: [probe("message", [])] }));
    expect(result).toMatchObject({ verdict: "info", matched: false });
  });

  it("applies per-part levels (C15's away='1' part is INFO)", () => {
    const expected: Expectation = { probes: { false: { push: [] }, one: { push: ["N2"] } } };
    const info = fixture("MUST", expected, { partLevels: { one: "INFO" } });
    const onlyOneDiffers = observation({ probes: [probe("false", []), probe("one", [])] });
    expect(judge(info, "spec", onlyOneDiffers).verdict).toBe("info");
    const mustPartDiffers = observation({ probes: [probe("false", [publish("N1")]), probe("one", [publish("N2")])] });
    expect(judge(info, "spec", mustPartDiffers).verdict).toBe("fail");
  });

  it("is n/a for a policy that does not model the scenario, and info for record-only expectations", () => {
    const obs = observation({ iqs: [iq("enable")], probes: [probe("message", [publish("N")])] });
    expect(judge(fixture("MUST", oneProbe), "prosody", obs)).toMatchObject({ verdict: "n/a", detail: "not modelled" });
    expect(judge(fixture("MUST", oneProbe), "tigase", obs)).toMatchObject({ verdict: "info", matched: null });
  });

  it("is n/a when the server does not advertise a needed feature, unless told to ignore needs", () => {
    const scenario = fixture("MUST", oneProbe, { needs: [NS.pushAway] });
    const obs = observation({ features: [NS.push], iqs: [iq("enable")], probes: [probe("message", [])] });
    expect(judge(scenario, "spec", obs)).toMatchObject({ verdict: "n/a", matched: null });
    expect(judge(scenario, "spec", obs, { ignoreNeeds: true }).verdict).toBe("fail");
    expect(judge(scenario, "spec", { ...obs, features: [NS.push, NS.pushAway] }).verdict).toBe("fail");
  });

  it("fails an aborted run and marks a skipped run n/a", () => {
    expect(judge(fixture("INFO", oneProbe), "spec", observation({ aborted: "A1 connect: refused" })).verdict).toBe("fail");
    expect(judge(fixture("MUST", oneProbe), "spec", observation({ skipped: "no away" })).verdict).toBe("n/a");
  });

  it("checks iq outcomes: result, empty result, error condition", () => {
    const scenario = fixture("MUST", { iqs: { a: "empty-result", b: { error: "bad-request" }, c: "result" } });
    const good = observation({ iqs: [iq("a"), iq("b", { outcome: "error", error: { type: "modify", condition: "bad-request" } }), iq("c", { resultChildren: 2 })] });
    expect(judge(scenario, "spec", good).verdict).toBe("pass");
    const bad = observation({ iqs: [iq("a", { resultChildren: 1 }), iq("b"), iq("c", { outcome: "timeout" })] });
    expect(judge(scenario, "spec", bad).mismatches).toEqual([
      "iq a: expected an empty result, got one with 1 child element(s)",
      "iq b: expected error bad-request, got result",
      "iq c: expected result, got timeout",
    ]);
  });

  it("checks features to include and exclude", () => {
    const scenario = fixture("MUST", { features: { include: [NS.push], exclude: [NS.pushAway] } });
    expect(judge(scenario, "spec", observation({ features: [NS.push] })).verdict).toBe("pass");
    expect(judge(scenario, "spec", observation({ features: [NS.pushAway] })).mismatches).toEqual([
      `features: ${NS.push} is missing`,
      `features: ${NS.pushAway} is advertised`,
    ]);
    expect(judge(scenario, "spec", observation()).mismatches).toEqual(["features: the account's disco#info gave no feature list"]);
  });

  it("keeps Tigase's retrieved pings apart from message pushes", () => {
    const scenario = fixture("MUST", { probes: { presence: { push: [], retrieved: ["N"] } } });
    const ping = publish("N", { kind: "retrieved", summary: { messageCount: 0, otherFields: [] } });
    expect(judge(scenario, "spec", observation({ probes: [probe("presence", [ping])] })).verdict).toBe("pass");
    expect(judge(scenario, "spec", observation({ probes: [probe("presence", [publish("N")])] })).mismatches).toEqual([
      "probe presence: expected nothing, pushed N",
      "probe presence: expected retrieved pings to N, got nothing",
    ]);
  });

  it("counts an unreadable publish as a push and reports why it is unreadable", () => {
    const broken = publish("N", { kind: "malformed", summary: null, parseError: "no <item> in <publish>" });
    const result = judge(fixture("MUST", { probes: { message: { push: ["N"] } } }), "spec", observation({ probes: [probe("message", [broken])] }));
    expect(result.mismatches).toEqual(["probe message: publish 1 is unreadable: no <item> in <publish>"]);
  });

  it("checks the publisher address, the publish-options echo and the summary form", () => {
    const scenario = fixture("SHOULD", { probes: { message: { push: ["N"], checks: ["from-domain", "publish-options-echo", "summary-form"] } } });
    const enable = iq("enable", { request: { iqType: "set", nodeLabel: "N", publishOptions: { fields: [{ var: "secret", values: ["s1"] }] } } });
    const good = publish("N", { publishOptions: { type: "submit", fields: [{ var: "secret", values: ["s1"] }] } });
    expect(judge(scenario, "spec", observation({ iqs: [enable], probes: [probe("message", [good])] })).verdict).toBe("pass");
    const bad = publish("N", {
      from: "alice@localhost/A2",
      publishOptions: { fields: [{ var: "secret", values: ["other"] }] },
      warnings: ["summary form FORM_TYPE is 'x', expected 'urn:xmpp:push:summary'"],
      summary: { messageCount: 1, otherFields: [{ var: "unread", values: ["3"] }] },
    });
    expect(judge(scenario, "spec", observation({ iqs: [enable], probes: [probe("message", [bad])] })).mismatches).toEqual([
      "probe message: publish to N comes from 'alice@localhost/A2', expected the domain 'localhost'",
      "probe message: publish to N: publish-options field secret is 'other', sent 's1'",
      "probe message: publish to N: summary form FORM_TYPE is 'x', expected 'urn:xmpp:push:summary'",
      "probe message: publish to N: unregistered summary fields unread",
    ]);
  });

  it("checks summary fields against the policy's payload", () => {
    const scenario = fixture("INFO", { probes: { message: { push: ["N"], summary: { messageCount: "absent", sender: "absent", body: { placeholder: "New message" } } } } });
    const ejabberdLike = publish("N", { summary: { formType: "submit", lastMessageBody: "New message", otherFields: [] } });
    expect(judge(scenario, "spec", observation({ probes: [probe("message", [ejabberdLike])] })).verdict).toBe("pass");
    expect(judge(scenario, "spec", observation({ probes: [probe("message", [publish("N")])] })).mismatches).toEqual([
      "probe message: publish to N: message-count 1, expected none",
      `probe message: publish to N: last-message-sender '${SENDER}', expected none`,
      "probe message: publish to N: last-message-body 'hi', expected 'New message'",
    ]);
  });

  it("checks which resources got the message", () => {
    const scenario = fixture("MUST", { probes: { message: { push: [], delivered: ["A1"] } } });
    const delivered = probe("message", [], {
      deliveries: [{ seq: 1, at: 0, role: "account", resource: "A1", from: SENDER, to: "alice@localhost", type: "chat", body: "hi" }],
    });
    expect(judge(scenario, "spec", observation({ probes: [delivered] })).verdict).toBe("pass");
    expect(judge(scenario, "spec", observation({ probes: [probe("message", [])] })).mismatches).toEqual([
      "probe message: expected the message delivered to A1, delivered to nothing",
    ]);
  });
});

describe("catalogue", () => {
  it("covers C1-C30 once each, with an expectation for every policy", () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual(Array.from({ length: 30 }, (_, i) => `C${i + 1}`));
    for (const s of SCENARIOS) {
      for (const policy of ["spec", "tigase", "prosody", "ejabberd"] as PolicyName[]) {
        const e = s.expected[policy];
        expect(e.na ?? e.record ?? e.iqs ?? e.probes ?? e.features, `${s.id} ${policy}`).toBeDefined();
      }
    }
  });

  it("gates every scenario that relies on the away flag on tigase:push:away:0", () => {
    const needsAway = SCENARIOS.filter((s) => s.needs?.includes(NS.pushAway)).map((s) => s.id);
    expect(needsAway).toEqual(["C2", "C8", "C9", "C10", "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C24"]);
  });

  it("gates the hibernation scenarios (B.2 rows 11-12) on stream management, not on disco", () => {
    expect(SCENARIOS.filter((s) => s.needsStreamManagement).map((s) => s.id)).toEqual(["C26", "C27"]);
    const c26 = scenarioById("C26");
    if (!c26) throw new Error("C26 missing");
    expect(judge(c26, "spec", observation({ streamManagement: false })).verdict).toBe("n/a");
    expect(judge(c26, "spec", observation({ streamManagement: true })).verdict).toBe("fail");
  });

  it("serialises without its step functions", () => {
    const infos = describeScenarios();
    expect(JSON.parse(JSON.stringify(infos))).toEqual(infos);
    expect(infos.every((i) => !("run" in i))).toBe(true);
    expect(scenarioById("C8")?.name).toBe("Core: other client away");
  });

  it("tells which policies an observation matches (docs/push-semantics.md §0.4)", () => {
    const c10 = scenarioById("C10");
    if (!c10) throw new Error("C10 missing");
    const pushedAnyway = observation({
      iqs: [iq("enable")],
      probes: [
        probe("message", [publish("N")], {
          deliveries: [{ seq: 1, at: 0, role: "account", resource: "A1", from: SENDER, to: "alice@localhost", type: "chat", body: "hi" }],
        }),
      ],
    });
    expect(matchingPolicies(c10, pushedAnyway)).toEqual(["prosody", "ejabberd"]);
    expect(judge(c10, "spec", pushedAnyway).verdict).toBe("fail");
  });
});
