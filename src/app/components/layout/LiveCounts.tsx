import { useConsoleStore, useTimelineStore } from "../../stores/hooks";

/*
 * The centre tabs' counts, each subscribed on its own: read in the App they would re-render the
 * whole page on every flush of events.
 */

export function TimelineCount() {
  const count = useTimelineStore((s) => s.events.length);
  return count > 0 ? <>{count}</> : null;
}

export function FrameCount() {
  const count = useConsoleStore((s) => s.frames.length);
  return count > 0 ? <>{count}</> : null;
}
