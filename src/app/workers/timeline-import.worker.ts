/**
 * Reads and validates an exported timeline off the main thread: a 100,000-event file is ~60 MB
 * of JSON, and parsing it on the page was a 1.4 s long task. The file is parsed in chunks and each
 * valid chunk goes back at once (stream-timeline.ts), so the first rows show while the rest is
 * parsed, and no single message costs the page a long task to receive.
 */
import { streamTimelineText } from "./stream-timeline";
import type { ImportReply, ImportRequest } from "./timeline-import-protocol";

const post = (reply: ImportReply) => (self as unknown as { postMessage(m: ImportReply): void }).postMessage(reply);

self.onmessage = async (msg: MessageEvent<ImportRequest>) => {
  try {
    streamTimelineText(await msg.data.file.text(), post);
  } catch (err) {
    post({ type: "error", error: `Could not read the file: ${err instanceof Error ? err.message : String(err)}` });
  }
};
