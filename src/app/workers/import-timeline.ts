/**
 * Import an exported timeline file: parsed and validated in a Web Worker
 * (timeline-import.worker.ts), shown chunk by chunk as it streams in. Where workers do not exist
 * (tests under jsdom, old embedders) the same chunked parse runs on the calling thread, with the
 * same result.
 */
import type { StoreApi } from "zustand/vanilla";
import type { TimelineEvent } from "../model";
import type { ImportResult, TimelineState } from "../stores/timeline";
import type { TimelineDocument, TimelineDocumentHead } from "../stores/timeline-file";
import type { ImportReply } from "./timeline-import-protocol";

export type ParsedImport = { ok: true; document: TimelineDocument } | { ok: false; error: string };

/** Read the file and play the replies a worker would send, here (the parser loads on first use: it is the worker's). */
function streamHere(file: Blob, onReply: (reply: ImportReply) => void): void {
  Promise.all([file.text(), import("./stream-timeline")]).then(
    ([text, { streamTimelineText }]) => streamTimelineText(text, onReply),
    (err: unknown) => onReply({ type: "error", error: `Could not read the file: ${err instanceof Error ? err.message : String(err)}` }),
  );
}

/** Stream a file's replies to `onReply` (a worker's, or the same parse here); `onReply` sees `done` or `error` last. */
export function streamTimelineFile(file: Blob, onReply: (reply: ImportReply) => void): void {
  if (typeof Worker === "undefined") return streamHere(file, onReply);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./timeline-import.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return streamHere(file, onReply);
  }
  let replied = false;
  worker.onmessage = (msg: MessageEvent<ImportReply>) => {
    replied = true;
    if (msg.data.type === "done" || msg.data.type === "error") worker.terminate();
    onReply(msg.data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    worker.terminate();
    // A worker that cannot start (a blocked script) still leaves the file importable.
    if (!replied) streamHere(file, onReply);
    else onReply({ type: "error", error: `The import stopped: ${e.message || "the import worker failed"}.` });
  };
  worker.postMessage({ file });
}

/** Runs `fn` once per frame at most (where frames do not run, after a short timeout). */
function perFrame(fn: () => void): { request(): void; cancel(): void } {
  let handle: number | ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    handle = null;
    fn();
  };
  const raf = typeof requestAnimationFrame === "function";
  return {
    request() {
      if (handle === null) handle = raf ? requestAnimationFrame(run) : setTimeout(run, 16);
    },
    cancel() {
      if (handle === null) return;
      if (raf) cancelAnimationFrame(handle as number);
      else clearTimeout(handle);
      handle = null;
    },
  };
}

/** Show a file in the timeline's imported view as it streams in (one store update per frame). Never rejects. */
export function importTimelineFile(timeline: StoreApi<TimelineState>, file: File): Promise<ImportResult> {
  return new Promise((resolve) => {
    let token: number | null = null;
    let meta: { head: TimelineDocumentHead; total: number } | null = null;
    let pending: TimelineEvent[][] = [];
    const flush = () => {
      if (token !== null && pending.length > 0) timeline.getState().appendImported(token, pending.length === 1 ? pending[0]! : pending.flat());
      pending = [];
    };
    const frame = perFrame(flush);
    streamTimelineFile(file, (reply) => {
      const store = timeline.getState();
      if (reply.type !== "events") {
        frame.cancel();
        flush();
      }
      if (reply.type === "meta") {
        meta = { head: reply.document, total: reply.total };
        token = store.beginImport(reply.document, reply.total, file.name);
      } else if (reply.type === "events" && token !== null) {
        pending.push(reply.events);
        frame.request();
      } else if (reply.type === "reset" && meta) {
        token = store.beginImport(meta.head, meta.total, file.name);
      } else if (reply.type === "done" && token !== null) {
        resolve(store.finishImport(token));
      } else if (reply.type === "error") {
        if (token !== null) store.failImport(token, reply.error);
        else store.setImportError(reply.error);
        resolve({ ok: false, error: reply.error });
      }
    });
  });
}

/** Parse a whole file (off the main thread where possible) into one validated document. */
export function parseTimelineFile(file: Blob): Promise<ParsedImport> {
  return new Promise((resolve) => {
    let head: TimelineDocumentHead | null = null;
    let chunks: TimelineEvent[][] = [];
    streamTimelineFile(file, (reply) => {
      if (reply.type === "meta") head = reply.document;
      else if (reply.type === "events") chunks.push(reply.events);
      else if (reply.type === "reset") chunks = [];
      else if (reply.type === "error") resolve({ ok: false, error: reply.error });
      else if (reply.type === "done") resolve(head ? { ok: true, document: { ...head, events: chunks.flat() } } : { ok: false, error: "The import ended without a document." });
    });
  });
}
