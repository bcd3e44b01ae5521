/** The page's scenario runner fetches its code with the first run; a failed fetch is said in the Scenarios store. */
import { describe, expect, it, vi } from "vitest";
import type { SuiteReport } from "../../conformance/types";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { createLazyScenarioRunner } from "./lazy-runner";
import type { ScenarioRunner } from "./runner";

function fakeRunner(report: SuiteReport | null): ScenarioRunner & { run: ReturnType<typeof vi.fn> } {
  return { run: vi.fn(async () => report), running: true, flush: vi.fn() };
}

describe("the lazy scenario runner", () => {
  const stores = () => createStores({ profile: { storage: createMemoryStorage() } });
  const recorder = () => ({ record: vi.fn(() => "id"), flush: vi.fn() });
  const resolveService = () => ({ ok: true as const, value: "ws://127.0.0.1:1/xmpp-websocket" });

  it("creates the runner on the first run only and hands every run to it", async () => {
    const real = fakeRunner(null);
    const create = vi.fn(() => real);
    const rec = recorder();
    const runner = createLazyScenarioRunner({ stores: stores(), recorder: rec, resolveService }, async () => ({ createScenarioRunner: create }));
    expect(runner.running).toBe(false);
    runner.flush();
    expect(rec.flush).toHaveBeenCalledTimes(1);
    await runner.run(["a"]);
    await runner.run();
    expect(create).toHaveBeenCalledTimes(1);
    expect(real.run.mock.calls).toEqual([[["a"]], [undefined]]);
    expect(runner.running).toBe(true);
    runner.flush();
    expect(real.flush).toHaveBeenCalledTimes(1);
  });

  it("says in the Scenarios store when the runner cannot be fetched, and fetches again on the next run", async () => {
    const s = stores();
    const real = fakeRunner(null);
    const load = vi.fn().mockRejectedValueOnce(new Error("Failed to fetch dynamically imported module")).mockResolvedValue({ createScenarioRunner: () => real });
    const runner = createLazyScenarioRunner({ stores: s, recorder: recorder(), resolveService }, load);
    expect(await runner.run()).toBeNull();
    expect(s.scenarios.getState()).toMatchObject({ status: "failed", error: expect.stringContaining("the scenario runner could not be loaded (Failed to fetch dynamically imported module)") });
    await runner.run();
    expect(load).toHaveBeenCalledTimes(2);
    expect(real.run).toHaveBeenCalledTimes(1);
  });
});
