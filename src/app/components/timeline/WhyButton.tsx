import type { MouseEvent } from "react";
import { usePlayground } from "../../playground-context";
import { EXPLANATION_CARD_ID } from "../explain/ids";

/**
 * "Why?" on a sent message's row: selects it and brings its explanation card into view. The card
 * itself is computed by the explanations service for the selection.
 */
const TITLES = {
  pushed: "Why was this message pushed, and what would have suppressed it?",
  "not pushed": "Why was this message not pushed, and what would have made it push?",
  unknown: "Why was this message pushed or not, and what would have changed it?",
} as const;

/** `pushed` null: the row does not know (a raw message, whose pushes are not linked on the row). */
export function WhyButton({ eventId, pushed }: { eventId: string; pushed: boolean | null }) {
  const playground = usePlayground();
  const open = (e: MouseEvent) => {
    // The row's own click would select too; this one also scrolls the card into view.
    e.stopPropagation();
    playground.timeline.select(eventId);
    requestAnimationFrame(() => document.getElementById(EXPLANATION_CARD_ID)?.scrollIntoView({ block: "start" }));
  };
  return (
    <button type="button" className="btn btn-small tl-link tl-why" onClick={open} title={TITLES[pushed === null ? "unknown" : pushed ? "pushed" : "not pushed"]}>
      {pushed === false ? "Why not?" : "Why?"}
    </button>
  );
}
