/**
 * Reads and validates an exported timeline off the main thread: a 100,000-event file is ~60 MB
 * of JSON, and parsing it on the page was a 1.4 s long task. The events come back in chunks, so
 * no single message costs the page a long task to receive either.
 */
import { parseTimelineDocument } from "../stores/timeline-file";
import type { ImportReply, ImportRequest } from "./timeline-import-protocol";

/** Events per message back to the page (structured clone of ~2,000 events: a few ms). */
const CHUNK = 2_000;

const post = (reply: ImportReply) => (self as unknown as { postMessage(m: ImportReply): void }).postMessage(reply);

self.onmessage = async (msg: MessageEvent<ImportRequest>) => {
  try {
    const text = await msg.data.file.text();
    const parsed = parseTimelineDocument(text);
    if (!parsed.ok) return post({ type: "error", error: parsed.error });
    const { events, ...meta } = parsed.document;
    post({ type: "meta", document: { ...meta, events: [] }, total: events.length });
    for (let i = 0; i < events.length; i += CHUNK) post({ type: "events", events: events.slice(i, i + CHUNK) });
    post({ type: "done" });
  } catch (err) {
    post({ type: "error", error: `Could not read the file: ${err instanceof Error ? err.message : String(err)}` });
  }
};
