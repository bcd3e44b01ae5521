/**
 * The page's demo player: the same interface as ./player, whose code (the player, the presets and
 * the share replay) is fetched when a demo is first started (issue 14: a small first load). Until
 * then no demo runs, so the controls have nothing to act on.
 */
import { createStore } from "zustand/vanilla";
import { IDLE, type DemoPlayer, type DemoPlayerOptions, type DemoPlayerState } from "./player-state";

type PlayerModule = Pick<typeof import("./player"), "createDemoPlayer">;

export function createLazyDemoPlayer(options: DemoPlayerOptions, load: () => Promise<PlayerModule> = () => import("./player")): DemoPlayer {
  const store = options.store ?? createStore<DemoPlayerState>()(() => IDLE);
  let player: DemoPlayer | null = null;
  let pending: Promise<DemoPlayer> | null = null;
  // A stop while the code loads cancels the start that waits for it.
  let stops = 0;

  function loaded(): Promise<DemoPlayer> {
    pending ??= load().then(
      (m) => (player = m.createDemoPlayer({ ...options, store })),
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  }

  return {
    store,
    current: () => player?.current(),
    async start(id) {
      const stop = stops;
      let real: DemoPlayer;
      try {
        real = await loaded();
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        store.setState({ ...IDLE, phase: "failed", error: `the demo player could not be loaded (${why}); check the connection and start the demo again` });
        return;
      }
      if (stop === stops) await real.start(id);
    },
    pause: () => player?.pause(),
    async resume() {
      await player?.resume();
    },
    async togglePause() {
      await player?.togglePause();
    },
    async next() {
      await player?.next();
    },
    async previous() {
      await player?.previous();
    },
    stop() {
      stops++;
      if (player) player.stop();
      else store.setState(IDLE);
    },
  };
}
