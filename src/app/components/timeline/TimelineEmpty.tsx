import { usePlayground } from "../../playground-context";
import { EmptyState } from "../shared/EmptyState";

/** What the list shows when no row is visible: nothing captured, or filters that match nothing. */
export function TimelineEmpty({ nothingCaptured }: { nothingCaptured: boolean }) {
  const playground = usePlayground();
  if (nothingCaptured) {
    return (
      <EmptyState title="Nothing captured yet">
        Connect the sink, then enable push from a resource. Presence changes, enable and disable, messages and
        the pushes they cause will appear here in time order.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No event matches the filters">
      <button
        type="button"
        className="btn btn-small"
        onClick={() => playground.timeline.clearFilters()}
      >
        Clear filters
      </button>
    </EmptyState>
  );
}
