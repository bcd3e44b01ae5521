/**
 * A guided demo and a setup replay both drive the playground through the same actions, step by
 * step: run together they would trample each other's resources and registrations. One at a time:
 * each asks these before it starts, and the views show the same sentence beside the disabled
 * control (with a way to end the demo).
 */
import type { DemoPlayer } from "../demos/player-state";
import type { ShareService } from "./service";

/** Why a replay cannot start now: a demo is on screen (running, paused or finished but not ended). */
export function demoOnScreenReason(demos: Pick<DemoPlayer, "store" | "current">): string | null {
  const { demoId } = demos.store.getState();
  if (demoId === null) return null;
  const title = demos.current()?.title ?? demoId;
  return `the guided demo “${title}” is on screen: end it (Esc or End demo) before replaying a setup, so the two do not change the playground at once`;
}

/** Why a demo cannot start now: a replay is setting the playground up. */
export function replayRunningReason(share: Pick<ShareService, "store">): string | null {
  return share.store.getState().replay.status === "running"
    ? "a setup replay (share link or file) is setting the playground up: a demo can start once it is done, so the two do not change the playground at once"
    : null;
}
