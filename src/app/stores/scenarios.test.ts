import { describe, expect, it } from "vitest";
import type { ScenarioReport, SuiteReport } from "../../conformance/types";
import { identifyPolicy, summarize } from "../../conformance/identify";
import { describeScenarios } from "../../scenarios/catalogue";
import { createScenariosStore, selectRunRows } from "./scenarios";

function report(id: string, verdict: ScenarioReport["verdict"]): ScenarioReport {
  return {
    id,
    name: id,
    level: "MUST",
    needs: [],
    verdict,
    matched: verdict === "pass",
    detail: "",
    mismatches: [],
    notes: [],
    matches: verdict === "pass" ? ["spec"] : [],
    comparable: ["spec"],
    hint: null,
    durationMs: 1,
    drainedMessages: 0,
    housekeeping: [],
    observation: { startedAt: 0, endedAt: 0, account: "a@l", domain: "l", sender: null, sink: null, features: null, nodes: {}, iqs: [], probes: [], publishes: [], deliveries: [], sent: [], steps: [], errors: [] },
  };
}

describe("scenarios store", () => {
  it("holds the whole catalogue and keeps the selection in catalogue order", () => {
    const store = createScenariosStore(describeScenarios());
    const ids = store.getState().catalogue.map((s) => s.id);
    expect(ids.slice(0, 3)).toEqual(["C1", "C2", "C3"]);
    store.getState().toggle("C4");
    store.getState().toggle("C2");
    store.getState().toggle("C9");
    store.getState().toggle("C4");
    expect(store.getState().selected).toEqual(["C2", "C9"]);
    store.getState().setSelected(["C3", "C1", "nope"]);
    expect(store.getState().selected).toEqual(["C1", "C3"]);
  });

  it("starts without the catalogue (it comes with the panel's chunk) and takes it once loaded", () => {
    const store = createScenariosStore();
    expect(store.getState().catalogue).toEqual([]);
    store.getState().setSelected(["C1"]);
    expect(store.getState().selected).toEqual([]);
    store.getState().setCatalogue(describeScenarios());
    expect(store.getState().catalogue.length).toBe(describeScenarios().length);
    store.getState().setSelected(["C2", "C1"]);
    expect(store.getState().selected).toEqual(["C1", "C2"]);
  });

  it("tracks a run: start resets the last one, progress counts, the first event per scenario sticks", () => {
    const store = createScenariosStore(describeScenarios());
    const s = () => store.getState();
    s().runStarted(["C1", "C2"]);
    s().noteEvent("C1", "e1");
    s().noteEvent("C1", "e2");
    s().scenarioStarted("C1");
    expect(s().running).toEqual(["C1"]);
    const r1 = report("C1", "pass");
    s().scenarioDone(r1, identifyPolicy({ scenarios: [r1] }));
    expect(s()).toMatchObject({ done: 1, running: [], firstEventIds: { C1: "e1" }, status: "running" });
    expect(selectRunRows(s()).map((r) => [r.id, r.report?.verdict])).toEqual([
      ["C1", "pass"],
      ["C2", undefined],
    ]);
    const r2 = report("C2", "fail");
    const final: SuiteReport = {
      format: "xmpp-push-conformance/1",
      target: { name: "t", service: "ws://x", domain: "l", account: "a@l", accounts: "shared" },
      server: { kind: "unknown", name: null, policy: null },
      accountFeatures: [],
      policy: "spec",
      policySource: "default",
      runUnsupported: false,
      startedAt: new Date(0).toISOString(),
      durationMs: 1,
      waits: { pushMs: 1, noPushMs: 1, iqMs: 1, settleMs: 1 },
      scenarios: [r1, r2],
      summary: summarize([r1, r2]),
      identification: identifyPolicy({ scenarios: [r1, r2] }),
    };
    s().runFinished(final);
    expect(s()).toMatchObject({ status: "done", done: 2, error: null });
    expect(s().results.C2?.verdict).toBe("fail");
    s().runStarted(["C3"]);
    expect(s()).toMatchObject({ results: {}, firstEventIds: {}, report: null, done: 0, runIds: ["C3"] });
  });

  it("records a fatal report or a thrown error as a failed run", () => {
    const store = createScenariosStore(describeScenarios());
    store.getState().runStarted(["C1"]);
    store.getState().runFailed("boom");
    expect(store.getState()).toMatchObject({ status: "failed", error: "boom" });
  });
});
