import { EmptyState } from "../shared/EmptyState";

/** The detail pane before an event is selected (the detail itself is a chunk loaded on first selection). */
export function NoEventSelected() {
  return (
    <section className="detail" aria-label="Event detail">
      <EmptyState title="No event selected">
        Click an event in the timeline (or use <kbd>↑</kbd>/<kbd>↓</kbd>) to see its stanza, pretty-printed, and
        what it is linked to.
      </EmptyState>
    </section>
  );
}
