/**
 * Parse and validate a timeline file's text in chunks, reporting each chunk as soon as it is
 * valid, so the page shows the first rows of a 60 MB file long before the last ones are parsed
 * (one JSON.parse of it takes seconds here). Runs in the import worker; pure, so tests run it as is.
 */
import type { TimelineEvent } from "../model";
import { checkDocumentHead, checkEvents, parseTimelineDocument } from "../stores/timeline-file";
import { scanTimelineJson } from "./json-scan";
import type { ImportReply } from "./timeline-import-protocol";

export interface ChunkSizes {
  /** The first chunk is small: it is what the user waits for. */
  first: number;
  rest: number;
}

/** Events per message: the structured clone of 1,000 events costs the page a few ms to receive. */
export const CHUNKS: ChunkSizes = { first: 500, rest: 1_000 };

function postSorted(events: TimelineEvent[], post: (r: ImportReply) => void, size: number): void {
  for (let i = 0; i < events.length; i += size) post({ type: "events", events: events.slice(i, i + size) });
}

/** One JSON.parse of the whole text: the shapes the scan does not expect, and their exact errors. */
function whole(text: string, post: (r: ImportReply) => void, sizes: ChunkSizes, reset: boolean): void {
  const parsed = parseTimelineDocument(text);
  if (!parsed.ok) return post({ type: "error", error: parsed.error });
  if (reset) post({ type: "reset" });
  const { events, ...meta } = parsed.document;
  post({ type: "meta", document: meta, total: events.length });
  postSorted(events, post, sizes.rest);
  post({ type: "done" });
}

export function streamTimelineText(text: string, post: (r: ImportReply) => void, sizes: ChunkSizes = CHUNKS): void {
  if (text.trim() === "") return post({ type: "error", error: "The file is empty." });
  const scan = scanTimelineJson(text);
  if (!scan?.events) return whole(text, post, sizes, false);
  const doc: Record<string, unknown> = {};
  try {
    for (const [key, raw] of scan.members) doc[key] = JSON.parse(raw);
  } catch {
    return whole(text, post, sizes, false);
  }
  const { starts, ends } = scan.events;
  const total = starts.length;
  const head = checkDocumentHead(doc, total);
  if (!head.ok) return post({ type: "error", error: head.error });
  post({ type: "meta", document: head.meta, total });

  const seen = new Set<string>();
  const all: TimelineEvent[] = [];
  let ordered = true;
  let lastAt = -Infinity;
  for (let a = 0; a < total; ) {
    const b = Math.min(total, a + (a === 0 ? sizes.first : sizes.rest));
    let chunk: unknown[];
    try {
      chunk = JSON.parse(`[${text.slice(starts[a]!, ends[b - 1]!)}]`) as unknown[];
    } catch {
      return whole(text, post, sizes, true);
    }
    const problem = checkEvents(chunk, a, seen);
    if (problem) return post({ type: "error", error: problem });
    const events = chunk as TimelineEvent[];
    for (const e of events) {
      if (e.at < lastAt && ordered) {
        // Not in time order (a hand-made file): what was shown goes, the sorted events follow at the end.
        ordered = false;
        post({ type: "reset" });
      }
      lastAt = Math.max(lastAt, e.at);
      all.push(e);
    }
    if (ordered) post({ type: "events", events });
    a = b;
  }
  if (!ordered) {
    post({ type: "meta", document: head.meta, total });
    postSorted(all.sort((x, y) => x.at - y.at), post, sizes.rest);
  }
  post({ type: "done" });
}
