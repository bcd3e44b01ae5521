/**
 * The guided demo player: runs a preset's steps through the playground's actions, one caption per
 * step, each step finished only when its real outcome is in (a send waits for the server's decision
 * and the push). Between steps it leaves the caption up for `dwellMs` so a room can read it;
 * pausing lets the current step finish and holds there. `previous` replays the demo from its
 * set-up to the step before (the server's state cannot run backwards), without the reading pauses.
 */
import { createStore } from "zustand/vanilla";
import type { ActionResult } from "../playground-api";
import { applySetup, endResource, enableRegistration, resourceLane, sendMessage, type SetupActions } from "../share/apply";
import { IDLE, type DemoPlayer, type DemoPlayerOptions, type DemoPlayerState } from "./player-state";
import { demoById, type DemoAction, type DemoPreset } from "./presets";

export type { DemoPhase, DemoPlayer, DemoPlayerOptions, DemoPlayerState } from "./player-state";

type StepResult = ActionResult<{ text: string; matched: boolean }>;

async function runAction(pg: SetupActions, demo: DemoPreset, action: DemoAction, timeoutMs: number | undefined): Promise<StepResult> {
  const ok = (text: string, matched = true): StepResult => ({ ok: true, value: { text, matched } });
  const laneId = (name: string) => resourceLane(pg.stores, name)?.id;
  const missing = (name: string): StepResult => ({ ok: false, error: { code: "internal", message: `there is no resource ${name} in the playground` } });
  switch (action.kind) {
    case "setup": {
      const r = await applySetup(pg, demo.setup, { play: false, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      return r.ok ? ok(r.value) : r;
    }
    case "enable": {
      const r = await enableRegistration(pg, action.registration);
      return r.ok ? ok(r.value) : r;
    }
    case "presence": {
      const id = laneId(action.resource);
      if (!id) return missing(action.resource);
      const r = await pg.setPresence(id, { show: action.show, priority: 0 });
      return r.ok ? ok(`${action.resource} is now ${action.show}`) : r;
    }
    case "connect": {
      const id = laneId(action.resource);
      if (!id) return missing(action.resource);
      const r = await pg.connectResource(id);
      return r.ok ? ok(`${action.resource} connected`) : r;
    }
    case "disconnect":
    case "kill": {
      const r = await endResource(pg, { name: action.resource, presence: null, end: action.kind === "kill" ? "killed" : "disconnected" });
      return r.ok ? ok(r.value) : r;
    }
    case "resume": {
      const id = laneId(action.resource);
      if (!id) return missing(action.resource);
      const r = await pg.resumeResource(id);
      return r.ok ? ok(`${action.resource} resumed its session; ${r.value.resent} unacknowledged stanza${r.value.resent === 1 ? "" : "s"} re-sent`) : r;
    }
    case "send": {
      const r = await sendMessage(pg, action.message, timeoutMs);
      if (!r.ok) return r;
      const pushed = r.value.outcome.pushes.length > 0;
      const matched = pushed === (action.expect === "push");
      const decision = r.value.outcome.decisions[0];
      const why = decision ? ` (${decision.replace(/^[^:]+: /, "")})` : "";
      return ok(`${r.value.text}${matched ? "" : `, where this case shows ${action.expect === "push" ? "a push" : "no push"}`}${why}`, matched);
    }
  }
}

export function createDemoPlayer({ playground, dwellMs = 3500, timeoutMs, store = createStore<DemoPlayerState>()(() => IDLE), busyElsewhere }: DemoPlayerOptions): DemoPlayer {
  const get = () => store.getState();
  const set = (patch: Partial<DemoPlayerState>) => store.setState(patch);
  // A run belongs to one generation: stop, start and previous begin a new one, and the old loop quits.
  let generation = 0;
  let wake: (() => void) | null = null;

  const current = () => (get().demoId ? demoById(get().demoId!) : undefined);

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  }

  async function runStep(gen: number, demo: DemoPreset, index: number): Promise<boolean> {
    set({ index, phase: "running", outcome: null, matched: true, error: null });
    let r: StepResult;
    try {
      r = await runAction(playground, demo, demo.steps[index]!.action, timeoutMs);
    } catch (e) {
      r = { ok: false, error: { code: "internal", message: e instanceof Error ? e.message : String(e) } };
    }
    if (gen !== generation) return false;
    if (!r.ok) {
      set({ phase: "failed", error: r.error.message, paused: true });
      return false;
    }
    set({ phase: "shown", outcome: r.value.text, matched: r.value.matched });
    return true;
  }

  /** Runs from `from` on: each step, then the reading pause, until paused, stopped or finished. */
  async function loop(gen: number, from: number): Promise<void> {
    const demo = current();
    if (!demo) return;
    for (let i = from; i < demo.steps.length; i++) {
      if (!(await runStep(gen, demo, i))) return;
      if (i === demo.steps.length - 1) break;
      if (gen !== generation || get().paused) return;
      await sleep(dwellMs);
      if (gen !== generation || get().paused) return;
    }
    if (gen === generation) set({ phase: "finished" });
  }

  /** Replays steps up to `target` without pauses, and holds there. */
  async function replayTo(target: number): Promise<void> {
    const demo = current();
    if (!demo) return;
    const gen = ++generation;
    wake?.();
    set({ paused: true });
    for (let i = 0; i <= target; i++) {
      if (!(await runStep(gen, demo, i))) return;
    }
  }

  const busy = () => get().phase === "running";

  return {
    store,
    current,
    async start(id) {
      if (!demoById(id)) {
        set({ ...IDLE, phase: "failed", error: `there is no demo “${id}”` });
        return;
      }
      const busy = busyElsewhere?.();
      if (busy) {
        set({ ...IDLE, phase: "failed", error: `The demo did not start: ${busy}.` });
        return;
      }
      const gen = ++generation;
      wake?.();
      set({ ...IDLE, demoId: id });
      await loop(gen, 0);
    },
    pause() {
      if (!get().demoId) return;
      set({ paused: true });
      // A reading pause ends at once (its loop sees `paused` and holds); a running step finishes first.
      wake?.();
    },
    async resume() {
      const s = get();
      if (!s.demoId || !s.paused) return;
      set({ paused: false });
      // A step still running carries on by itself (its loop reads `paused` when it ends).
      if (s.phase !== "shown" && s.phase !== "failed") return;
      const gen = ++generation;
      wake?.();
      await loop(gen, s.phase === "shown" ? s.index + 1 : s.index);
    },
    async togglePause() {
      if (get().paused) await this.resume();
      else this.pause();
    },
    async next() {
      const s = get();
      const demo = current();
      if (!demo || busy()) return;
      if (s.phase === "finished" || s.index >= demo.steps.length - 1) return;
      // Skipping the reading pause: the step after this one runs now; the player holds after it.
      const gen = ++generation;
      wake?.();
      set({ paused: true });
      await runStep(gen, demo, s.phase === "failed" ? s.index : s.index + 1);
      if (gen === generation && get().index === demo.steps.length - 1 && get().phase === "shown") set({ phase: "finished" });
    },
    async previous() {
      const s = get();
      if (!current() || busy() || s.index === 0) return;
      await replayTo(s.index - 1);
    },
    stop() {
      generation++;
      wake?.();
      set(IDLE);
    },
  };
}
