/** The page's demo player fetches its code on the first start; a failed fetch is said, a stop during it wins. */
import { describe, expect, it, vi } from "vitest";
import { createLazyDemoPlayer } from "./lazy-player";
import * as playerModule from "./player";
import { createScriptedPlayground } from "./test-support/scripted-playground";

describe("the lazy demo player", () => {
  it("loads the player on the first start only, and drives one store through it", async () => {
    const load = vi.fn(async () => playerModule);
    const demos = createLazyDemoPlayer({ playground: createScriptedPlayground(), dwellMs: 0 }, load);
    demos.pause();
    await demos.next();
    expect(load).not.toHaveBeenCalled();
    expect(demos.current()).toBeUndefined();
    await demos.start("no-such-demo");
    expect(demos.store.getState()).toMatchObject({ phase: "failed", error: "there is no demo “no-such-demo”" });
    await demos.start("also-missing");
    expect(load).toHaveBeenCalledTimes(1);
    demos.stop();
    expect(demos.store.getState()).toMatchObject({ phase: "idle", demoId: null, error: null });
  });

  it("says when the player cannot be fetched, and fetches again on the next start", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("Failed to fetch dynamically imported module")).mockResolvedValue(playerModule);
    const demos = createLazyDemoPlayer({ playground: createScriptedPlayground(), dwellMs: 0 }, load);
    await demos.start("one-online");
    expect(demos.store.getState()).toMatchObject({ phase: "failed", demoId: null, error: expect.stringContaining("the demo player could not be loaded (Failed to fetch dynamically imported module)") });
    demos.stop();
    expect(demos.store.getState().error).toBeNull();
    await demos.start("no-such-demo");
    expect(load).toHaveBeenCalledTimes(2);
    expect(demos.store.getState().error).toBe("there is no demo “no-such-demo”");
  });

  it("does not start a demo that was stopped while its code was loading", async () => {
    let release: (m: typeof playerModule) => void = () => undefined;
    const demos = createLazyDemoPlayer({ playground: createScriptedPlayground(), dwellMs: 0 }, () => new Promise((resolve) => (release = resolve)));
    const started = demos.start("no-such-demo");
    demos.stop();
    release(playerModule);
    await started;
    expect(demos.store.getState()).toMatchObject({ phase: "idle", demoId: null, error: null });
  });
});
