import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test-support";
import type { ActionResult } from "../playground-api";
import { SCENARIO_LANE } from "../model";
import { createStores, type Stores } from "../stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "../stores/profile";
import { createRecorder } from "../playground/recorder";
import { createScenarioRunner } from "./runner";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

let counter = 0;
function storesFor(prefix: string): Stores {
  counter += 1;
  return createStores({
    profile: {
      storage: createMemoryStorage(),
      initial: {
        ...DEFAULT_PROFILE,
        service: server.url,
        account: { username: `${prefix}alice${counter}`, password: "pass" },
        sender: { username: `${prefix}bob${counter}`, password: "pass" },
        sink: { username: `${prefix}pushsvc${counter}`, password: "pass", resource: "sink" },
      },
    },
  });
}

const recorderFor = (stores: Stores) => createRecorder({ stores, now: Date.now, idPrefix: "test" });
const resolve = (stores: Stores) => (): ActionResult<string> => ({ ok: true, value: stores.profile.getState().profile.service });
const WAITS = { noPushMs: 400, pushMs: 3000 };

describe("ScenarioRunner against the reference server", () => {
  it("runs selected scenarios on shared accounts: progress, verdicts, policy from disco, timeline events", async () => {
    const stores = storesFor("s");
    stores.scenarios.getState().setAccounts("shared");
    const runner = createScenarioRunner({ stores, recorder: recorderFor(stores), resolveService: resolve(stores), waits: WAITS, mechanism: "PLAIN" });
    const seen: string[] = [];
    const unsubscribe = stores.scenarios.subscribe((s, prev) => {
      if (s.done !== prev.done) seen.push(`done ${s.done}/${s.runIds.length}`);
      if (s.preflight && !prev.preflight) seen.push(`preflight ${s.preflight.policy}`);
    });
    const running = runner.run(["C1", "C3", "C4"]);
    expect(stores.scenarios.getState().status).toBe("running");
    // One run at a time (runSuite cannot be cancelled).
    expect(await runner.run(["C1"])).toBeNull();
    const report = await running;
    unsubscribe();
    runner.flush();

    const s = stores.scenarios.getState();
    expect(report?.fatal).toBeUndefined();
    expect(s.status).toBe("done");
    // The reference server names its policy (spec by default) in its disco#info.
    expect(s.preflight).toMatchObject({ policy: "spec", policySource: "disco" });
    expect(seen).toEqual(["preflight spec", "done 1/3", "done 2/3", "done 3/3"]);
    expect(Object.fromEntries(Object.values(s.results).map((r) => [r.id, r.verdict]))).toEqual({ C1: "pass", C3: "pass", C4: "pass" });
    expect(s.identification?.best).toBe("spec");
    expect(s.report?.scenarios.map((r) => r.id)).toEqual(["C1", "C3", "C4"]);

    // Every scenario links to its first event on the scenarios lane; C4's push is there too.
    const events = stores.timeline.getState().events;
    for (const id of ["C1", "C3", "C4"]) {
      const first = events.find((e) => e.id === s.firstEventIds[id]);
      expect(first?.lane).toBe(SCENARIO_LANE);
      expect(first?.summary.startsWith(`${id} `)).toBe(true);
    }
    const pushes = events.filter((e) => e.kind === "push" && e.summary.startsWith("C4 "));
    expect(pushes.length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.kind === "message-sent" && e.summary.startsWith("C4 B sent"))).toBe(true);
    // C3 enables without a jid: the server's bad-request is on the timeline as the enable's outcome.
    expect(events.some((e) => e.kind === "enable" && e.summary.startsWith("C3 ") && e.outcome === "error" && e.error?.condition === "bad-request")).toBe(true);
  });

  it("runs with fresh accounts under a chosen policy and reports what differs", async () => {
    const stores = storesFor("f");
    stores.scenarios.getState().setAccounts("fresh");
    stores.scenarios.getState().setPolicy("prosody");
    const runner = createScenarioRunner({ stores, recorder: recorderFor(stores), resolveService: resolve(stores), waits: WAITS, mechanism: "PLAIN" });
    const report = await runner.run(["C1", "C4"]);
    const s = stores.scenarios.getState();
    expect(report?.target.accounts).toBe("fresh");
    expect(s.preflight).toMatchObject({ policy: "prosody", policySource: "option" });
    // The reference server runs the spec policy: it advertises away, which Prosody does not (C1
    // fails under prosody, with a hint); the offline baseline is the same everywhere.
    expect(s.results.C1?.verdict).toBe("fail");
    expect(s.results.C1?.mismatches.join(" ")).toContain("tigase:push:away:0");
    expect(s.results.C1?.hint).toEqual(expect.any(String));
    expect(s.results.C4?.verdict).toBe("pass");
    expect(s.identification?.scores.prosody.matched).toBeLessThan(s.identification?.scores.spec.matched ?? 0);
  });

  it("reports a server it cannot log in to as a failed run", async () => {
    const stores = storesFor("x");
    stores.profile.getState().updateAccount("account", { password: "" });
    const runner = createScenarioRunner({ stores, recorder: recorderFor(stores), resolveService: () => ({ ok: true, value: server.url.replace(/:\d+/, ":1") }), waits: WAITS, mechanism: "PLAIN" });
    await runner.run(["C1"]);
    const s = stores.scenarios.getState();
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/cannot log in/);
  });
});
