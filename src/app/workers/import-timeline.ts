/**
 * Parse an exported timeline file in a Web Worker (timeline-import.worker.ts) and hand back the
 * validated document. Where workers do not exist (tests under jsdom, old embedders) it reads and
 * parses on the calling thread, with the same result.
 */
import { parseTimelineDocument, type TimelineDocument } from "../stores/timeline-file";
import type { ImportReply } from "./timeline-import-protocol";

export type ParsedImport = { ok: true; document: TimelineDocument } | { ok: false; error: string };

function parseHere(file: Blob): Promise<ParsedImport> {
  return file.text().then(
    (text) => parseTimelineDocument(text),
    (err: unknown) => ({ ok: false as const, error: `Could not read the file: ${err instanceof Error ? err.message : String(err)}` }),
  );
}

export function parseTimelineFile(file: Blob): Promise<ParsedImport> {
  if (typeof Worker === "undefined") return parseHere(file);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./timeline-import.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return parseHere(file);
  }
  return new Promise<ParsedImport>((resolve) => {
    let document: TimelineDocument | null = null;
    const chunks: TimelineDocument["events"][] = [];
    const finish = (result: ParsedImport) => {
      worker.terminate();
      resolve(result);
    };
    worker.onmessage = (msg: MessageEvent<ImportReply>) => {
      const reply = msg.data;
      if (reply.type === "error") finish({ ok: false, error: reply.error });
      else if (reply.type === "meta") document = reply.document;
      else if (reply.type === "events") chunks.push(reply.events);
      else if (document) finish({ ok: true, document: { ...document, events: chunks.flat() } });
      else finish({ ok: false, error: "The import worker ended without a document." });
    };
    worker.onerror = (e) => {
      e.preventDefault();
      // A worker that cannot start (a blocked script) still leaves the file importable.
      worker.terminate();
      void parseHere(file).then(resolve);
    };
    worker.postMessage({ file });
  });
}
