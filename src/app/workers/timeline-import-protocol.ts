import type { TimelineEvent } from "../model";
import type { TimelineDocumentHead } from "../stores/timeline-file";

export interface ImportRequest {
  file: Blob;
}

/**
 * The worker's replies, in order: `meta`, then `events` chunks (each shown as it comes), then
 * `done`; or an `error` at any point (what was shown of the file is dropped). `reset`: drop the
 * events sent so far, they come again (the file was not in time order, so they are re-sent sorted).
 */
export type ImportReply =
  | { type: "meta"; document: TimelineDocumentHead; total: number }
  | { type: "events"; events: TimelineEvent[] }
  | { type: "reset" }
  | { type: "done" }
  | { type: "error"; error: string };
