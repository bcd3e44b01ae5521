/** Hand-made reports for the pure formatting, identification and table tests (tests only). */
import type { PolicyName } from "../../protocol/policy/types";
import type { Verdict } from "../../scenarios/judge";
import type { Level, Observation } from "../../scenarios/types";
import { identifyPolicy, summarize } from "../identify";
import type { ScenarioReport, SuiteReport } from "../types";

export function observation(): Observation {
  return {
    startedAt: 0,
    endedAt: 1,
    account: "alice@localhost",
    domain: "localhost",
    sender: null,
    sink: null,
    features: null,
    nodes: {},
    iqs: [],
    probes: [],
    publishes: [],
    deliveries: [],
    sent: [],
    steps: [],
    errors: [],
  };
}

export function scenarioReport(id: string, verdict: Verdict, extra: Partial<ScenarioReport> = {}): ScenarioReport {
  const all: PolicyName[] = ["spec", "tigase", "prosody", "ejabberd"];
  return {
    id,
    name: `scenario ${id}`,
    level: "MUST" as Level,
    needs: [],
    verdict,
    matched: verdict === "pass" ? true : verdict === "fail" ? false : null,
    detail: verdict === "pass" ? "as expected" : `detail of ${id}`,
    mismatches: verdict === "fail" ? [`probe message: expected N, pushed nothing`] : [],
    notes: [],
    matches: verdict === "n/a" ? [] : ["prosody"],
    comparable: verdict === "n/a" ? [] : all,
    hint: null,
    durationMs: 1234,
    drainedMessages: 0,
    housekeeping: [],
    observation: observation(),
    ...extra,
  };
}

export function suiteReport(name: string, scenarios: ScenarioReport[], extra: Partial<SuiteReport> = {}): SuiteReport {
  return {
    format: "xmpp-push-conformance/1",
    target: { name, service: "ws://127.0.0.1:5280/xmpp-websocket", domain: "localhost", account: "alice@localhost", accounts: "shared" },
    server: { kind: "prosody", name: "Prosody", policy: "prosody" },
    accountFeatures: ["urn:xmpp:push:0"],
    policy: "spec",
    policySource: "option",
    runUnsupported: false,
    startedAt: "2026-11-24T12:00:00.000Z",
    durationMs: 43_500,
    waits: { pushMs: 10_000, noPushMs: 2_000, iqMs: 10_000, settleMs: 200 },
    scenarios,
    summary: summarize(scenarios),
    identification: identifyPolicy({ scenarios }),
    ...extra,
  };
}
