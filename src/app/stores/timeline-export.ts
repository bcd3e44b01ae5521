/**
 * Writes a timeline export without a long task: one `JSON.stringify` of 100,000 events held the
 * page for ~0.6 s. The events are serialised a slice at a time (each slice a few milliseconds),
 * giving the page its thread back between slices, and each slice becomes a Blob part at once, so
 * the file is never one giant string. Loaded on first export (it brings the file format with it).
 */
import type { ConnectionProfile, LaneInfo, TimelineEvent } from "../model";
import { timelineDocumentHead } from "./timeline-file";

/** Lets a long job give the page its thread back: when `due()`, `await pause()` before going on. */
export interface Slicer {
  due(): boolean;
  pause(): Promise<void>;
}

/** Yield to the page (input, rendering, socket messages) without the 4 ms clamp of nested timers. */
function yieldToPage(): Promise<void> {
  if (typeof MessageChannel === "undefined") return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Slices of at most `budgetMs` (well under the 50 ms of a long task). */
export function timeSlicer(budgetMs = 8, now: () => number = () => performance.now()): Slicer {
  let started = now();
  return {
    due: () => now() - started >= budgetMs,
    pause: async () => {
      await yieldToPage();
      started = now();
    },
  };
}

export interface TimelineExportInput {
  /** A snapshot: the caller's copy, not an array that keeps growing. */
  events: readonly TimelineEvent[];
  profile: ConnectionProfile | null;
  lanes: Record<string, LaneInfo>;
  /** The moment the export was asked for (its `exportedAt`). */
  at: Date;
}

/** How many events to serialise between two looks at the clock. */
const CLOCK_EVERY = 64;

/** The export document as a JSON Blob, the same text `JSON.stringify(buildTimelineDocument(…))` gives. */
export async function writeTimelineExport(input: TimelineExportInput, slicer: Slicer = timeSlicer()): Promise<Blob> {
  const { events } = input;
  const head = JSON.stringify(timelineDocumentHead(events, input.profile, input.lanes, input.at));
  // The head is an object ending in "}": the events go in as its last member.
  const parts: BlobPart[] = [`${head.slice(0, -1)},"events":[`];
  let slice: string[] = [];
  for (let i = 0; i < events.length; i++) {
    slice.push(i === 0 ? JSON.stringify(events[i]) : `,${JSON.stringify(events[i])}`);
    if ((i + 1) % CLOCK_EVERY === 0 && slicer.due()) {
      parts.push(new Blob([slice.join("")]));
      slice = [];
      await slicer.pause();
    }
  }
  parts.push(new Blob([slice.join("")]), "]}");
  return new Blob(parts, { type: "application/json" });
}
