import { usePlayground } from "../../playground-context";
import { useTimelineStore } from "../../stores/hooks";
import { formatDateTime } from "../shared/format";

/** The callouts above the list: a failed import, the imported view, and pause. */
export function TimelineNotices() {
  const playground = usePlayground();
  const view = useTimelineStore((s) => s.view);
  const imported = useTimelineStore((s) => s.imported);
  const importError = useTimelineStore((s) => s.importError);
  const paused = useTimelineStore((s) => s.paused);
  const bufferedCount = useTimelineStore((s) => s.buffered.length);
  return (
    <>
      {importError ? (
        <div className="callout callout-err" role="alert">
          Import failed: {importError}
        </div>
      ) : null}
      {view === "imported" && imported ? (
        <div className="callout" role="status">
          Viewing imported timeline{imported.source ? ` “${imported.source}”` : ""} ({imported.events.length} events, exported{" "}
          {formatDateTime(Date.parse(imported.exportedAt))}). Live capture continues.{" "}
          <button type="button" className="btn btn-small" onClick={() => playground.timeline.closeImport()}>
            Back to live
          </button>
        </div>
      ) : null}
      {paused && view === "live" ? (
        <div className="callout callout-warn" role="status">
          Paused: {bufferedCount} new {bufferedCount === 1 ? "event" : "events"} waiting. Capture continues.
        </div>
      ) : null}
    </>
  );
}
