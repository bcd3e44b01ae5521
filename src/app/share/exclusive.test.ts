/** A demo and a replay, one at a time (share/exclusive.ts), and the Share dialog's watch on the setup. */
import { describe, expect, it, vi } from "vitest";
import { createDemoPlayer } from "../demos/player";
import { createScriptedPlayground } from "../demos/test-support/scripted-playground";
import { session } from "../test-support/render";
import { demoOnScreenReason, replayRunningReason } from "./exclusive";
import { createShareService } from "./service";
import { walkthroughSetup } from "./test-support/arbitrary-setup";
import { encodeSetup } from "./link";

function wired() {
  const pg = createScriptedPlayground();
  const share = createShareService({ playground: pg, busyElsewhere: () => demoOnScreenReason(demos) });
  const demos = createDemoPlayer({ playground: pg, dwellMs: 60_000, busyElsewhere: () => replayRunningReason(share) });
  return { pg, share, demos };
}

describe("a demo and a replay exclude each other", () => {
  it("names no reason when neither is on", () => {
    const { share, demos } = wired();
    expect(demoOnScreenReason(demos)).toBeNull();
    expect(replayRunningReason(share)).toBeNull();
  });

  it("refuses a replay while a demo is on screen, paused or finished included, and allows it once the demo ended", async () => {
    const { share, demos, pg } = wired();
    await share.openHash(`#${await encodeSetup(walkthroughSetup())}`);
    const started = demos.start("walkthrough");
    demos.pause();
    await started;
    expect(demos.store.getState()).toMatchObject({ demoId: "walkthrough", phase: "shown", paused: true });
    pg.send.mockClear();
    const refused = await share.apply("connected");
    expect(refused).toEqual({ ok: false, error: { code: "bad-input", message: expect.stringContaining("not started: the guided demo “Walk-through: one device away, the other gone” is on screen") } });
    expect(share.store.getState().replay).toMatchObject({ status: "failed", steps: [] });
    expect(pg.send).not.toHaveBeenCalled();

    demos.stop();
    expect(await share.apply("connected", { play: false })).toMatchObject({ ok: true });
  });

  it("refuses a demo while a replay runs, saying why, and starts it after", async () => {
    const { share, demos, pg } = wired();
    let release: () => void = () => {};
    const connect = pg.connectAll.getMockImplementation()!;
    pg.connectAll.mockImplementationOnce(() => new Promise<void>((resolve) => (release = () => void connect().then(resolve))));
    await share.openHash(`#${await encodeSetup(walkthroughSetup())}`);
    const replay = share.apply("connected", { play: false });
    await vi.waitFor(() => expect(pg.connectAll).toHaveBeenCalled());
    expect(share.store.getState().replay.status).toBe("running");

    await demos.start("walkthrough");
    expect(demos.store.getState()).toEqual(expect.objectContaining({ demoId: null, phase: "failed", error: `The demo did not start: ${replayRunningReason(share)}.` }));
    release();
    expect(await replay).toMatchObject({ ok: true });
    const started = demos.start("walkthrough");
    demos.pause();
    await started;
    expect(demos.store.getState()).toMatchObject({ demoId: "walkthrough", phase: "shown" });
  });
});

describe("watchSetup", () => {
  it("calls back once per burst of changes to what a capture reads, and not after unsubscribing", () => {
    vi.useFakeTimers();
    try {
      const { share, pg } = wired();
      const listener = vi.fn();
      const stop = share.watchSetup(listener, 100);
      pg.stores.sessions.getState().upsert(session({ id: "res-a", resource: "a", status: "online" }));
      pg.stores.registrations.getState().setPending(true);
      pg.stores.profile.getState().update({ domain: "prosody.localhost" });
      expect(listener).not.toHaveBeenCalled();
      vi.advanceTimersByTime(100);
      expect(listener).toHaveBeenCalledTimes(1);
      pg.stores.sessions.getState().upsert(session({ id: "res-b", resource: "b", status: "online" }));
      stop();
      vi.advanceTimersByTime(1000);
      expect(listener).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
