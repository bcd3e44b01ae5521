import { memo, type ReactNode } from "react";
import type { LaneId } from "../../model";
import { useSessionsStore } from "../../stores/hooks";
import { lazyView } from "../shared/lazy-view";
import { ResourceCard } from "./ResourceCard";

// Only a column of more than VIRTUALIZE_ABOVE lanes needs the virtualizer: its chunk (and the
// virtualizer library) loads then, not with the page (issue 14: a small first load).
const WindowedListView = lazyView("the resource list", () => import("./ResourceListWindowed").then((m) => m.WindowedList));

/** Up to this many cards are all in the DOM; above, only those in (or near) view. */
export const VIRTUALIZE_ABOVE = 24;
/** A card's usual height before it is measured. */
export const ESTIMATED_CARD_PX = 280;

/**
 * A column of cards by lane id. Each card reads its own session from the store, so a change to one
 * session re-renders one card, not the column. With many lanes (100 resources) the list is
 * windowed over the column that scrolls; cards have different heights, so they are measured.
 * Another kind of lane is another `renderLane`.
 */
export function ResourceList({ ids, renderLane = (id) => <ResourceCardById id={id} /> }: { ids: readonly LaneId[]; renderLane?: (id: LaneId) => ReactNode }) {
  if (ids.length <= VIRTUALIZE_ABOVE) {
    return (
      <div className="resource-list">
        {ids.map((id) => (
          <LaneSlot key={id} id={id} render={renderLane} />
        ))}
      </div>
    );
  }
  return <WindowedListView ids={ids} renderLane={renderLane} />;
}

export const LaneSlot = memo(function LaneSlot({ id, render }: { id: LaneId; render: (id: LaneId) => ReactNode }) {
  return <>{render(id)}</>;
});

/** A resource card for the session `id` (renders when that session changes). */
export const ResourceCardById = memo(function ResourceCardById({ id }: { id: LaneId }) {
  const session = useSessionsStore((s) => s.sessions[id]);
  return session ? <ResourceCard session={session} /> : null;
});
