import { describe, expect, it } from "vitest";
import { referenceServerPerFile } from "../test-support/reference-server";
import { createDemoPlayer, type DemoPlayer } from "./player";
import { DEMOS, demoById } from "./presets";
import { createScriptedPlayground } from "./test-support/scripted-playground";
import { validateSetup } from "../share/setup";

const server = referenceServerPerFile({ streamManagement: true });

/** Resolves when the player's state satisfies `probe` (the store says so; no fixed sleep). */
function until(player: DemoPlayer, probe: (s: ReturnType<DemoPlayer["store"]["getState"]>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (probe(player.store.getState())) return resolve();
    const off = player.store.subscribe((s) => {
      if (probe(s)) {
        off();
        resolve();
      }
    });
  });
}

describe("demo presets", () => {
  it("are valid setups whose steps name their resources", () => {
    for (const demo of DEMOS) {
      expect(validateSetup(demo.setup)).toEqual({ ok: true, value: demo.setup });
      expect(demo.steps[0]!.action.kind).toBe("setup");
      const names = demo.setup.resources.map((r) => r.name);
      for (const step of demo.steps) {
        const a = step.action;
        if ("resource" in a) expect(names).toContain(a.resource);
        if (a.kind === "enable") expect(names).toContain(a.registration.from);
      }
    }
  });
});

describe("demo player (scripted playground)", () => {
  it("plays a demo to the end, step by step, with each outcome", async () => {
    const pg = createScriptedPlayground();
    pg.outcomes = ["no-push", "push"];
    const player = createDemoPlayer({ playground: pg, dwellMs: 0 });
    await player.start("online-suppresses");
    expect(player.store.getState()).toMatchObject({ demoId: "online-suppresses", index: 3, phase: "finished", matched: true, outcome: "bob sent “Call me when you can”: 1 push reached the sink (push to 1 registration for message m-scripted-2: scripted)" });
    expect(pg.send).toHaveBeenCalledTimes(2);
    expect(pg.enable).toHaveBeenCalledWith({ fromResourceId: "res-phone", node: "demo-phone", away: false, publishOptions: null });
  });

  it("says when the server did otherwise than the case shows", async () => {
    const pg = createScriptedPlayground();
    pg.outcomes = ["push", "push"];
    const player = createDemoPlayer({ playground: pg, dwellMs: 0 });
    const shown: { index: number; matched: boolean; outcome: string | null }[] = [];
    player.store.subscribe((s, prev) => {
      if (s.phase === "shown" && prev.phase !== "shown") shown.push({ index: s.index, matched: s.matched, outcome: s.outcome });
    });
    await player.start("online-suppresses");
    expect(shown[1]).toEqual({ index: 1, matched: false, outcome: expect.stringContaining("1 push reached the sink, where this case shows no push") });
    expect(shown[3]).toMatchObject({ index: 3, matched: true });
  });

  it("pauses after the current step, resumes, steps forward and back", async () => {
    const pg = createScriptedPlayground();
    const player = createDemoPlayer({ playground: pg, dwellMs: 60_000 });
    const started = player.start("walkthrough");
    await until(player, (s) => s.phase === "shown" && s.index === 0);
    player.pause();
    await started;
    expect(player.store.getState()).toMatchObject({ index: 0, paused: true, phase: "shown" });

    await player.next();
    expect(player.store.getState()).toMatchObject({ index: 1, paused: true, phase: "shown", outcome: "phone enabled push on node demo-phone with away='true'" });
    await player.next();
    expect(player.store.getState()).toMatchObject({ index: 2, outcome: "phone is now away" });

    pg.enable.mockClear();
    await player.previous();
    // Back: the demo is set up again and replayed to step 1, then it holds.
    expect(player.store.getState()).toMatchObject({ index: 1, paused: true, phase: "shown" });
    expect(pg.enable).toHaveBeenCalledTimes(1);

    const resumed = player.resume();
    await until(player, (s) => s.index === 2 && s.phase === "shown");
    player.stop();
    await resumed;
    expect(player.store.getState()).toMatchObject({ demoId: null, phase: "idle" });
  });

  it("holds on a failed step with the reason, and retries it on resume", async () => {
    const pg = createScriptedPlayground();
    pg.outcomes = ["silent"];
    const player = createDemoPlayer({ playground: pg, dwellMs: 0, timeoutMs: 300 });
    await player.start("online-suppresses");
    expect(player.store.getState()).toMatchObject({ index: 1, phase: "failed", paused: true, error: "no decision from the server within 0.3 s: the reference server logs one for every message" });
    pg.outcomes = ["no-push", "push"];
    await player.resume();
    expect(player.store.getState()).toMatchObject({ index: 3, phase: "finished" });
  });

  it("refuses an unknown demo", async () => {
    const player = createDemoPlayer({ playground: createScriptedPlayground() });
    await player.start("nope");
    expect(player.store.getState()).toMatchObject({ phase: "failed", error: "there is no demo “nope”" });
  });
});

describe("demo player against the reference server", () => {
  for (const { id } of DEMOS) {
    it(`plays “${demoById(id)!.title}” with the outcomes its captions promise`, async () => {
      const d = server.driver({ initialResources: [] });
      const player = createDemoPlayer({ playground: d.pg, dwellMs: 0 });
      const outcomes: string[] = [];
      player.store.subscribe((s, prev) => {
        if (s.phase === "shown" && prev.phase !== "shown" && s.outcome) outcomes.push(s.outcome);
      });
      await player.start(id);
      const state = player.store.getState();
      expect(state.error).toBeNull();
      expect(state.phase).toBe("finished");
      expect(outcomes).toHaveLength(demoById(id)!.steps.length);
      const sends = demoById(id)!.steps.flatMap((s, i) => (s.action.kind === "send" ? [[i, s.action.expect] as const] : []));
      for (const [i, expected] of sends) expect(outcomes[i]).toMatch(expected === "push" ? /: 1 push reached the sink/ : /: no push/);
    });
  }
});
