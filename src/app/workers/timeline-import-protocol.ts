import type { TimelineEvent } from "../model";
import type { TimelineDocument } from "../stores/timeline-file";

export interface ImportRequest {
  file: Blob;
}

export type ImportReply =
  | { type: "meta"; document: TimelineDocument; total: number }
  | { type: "events"; events: TimelineEvent[] }
  | { type: "done" }
  | { type: "error"; error: string };
