import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { buildTimelineDocument } from "../stores/timeline-file";
import { createTimelineStore } from "../stores/timeline";
import { importTimelineFile, parseTimelineFile } from "./import-timeline";

const event = (id: string, at: number): TimelineEvent => ({ id, at, lane: "res-1", kind: "connection", status: "online", summary: id });

describe("parseTimelineFile (no Worker here: parsed on the calling thread)", () => {
  it("validates and sorts a file's events", async () => {
    const file = new Blob([JSON.stringify(buildTimelineDocument([event("b", 2), event("a", 1)], null))]);
    const parsed = await parseTimelineFile(file);
    expect(parsed.ok && parsed.document.events.map((e) => e.id)).toEqual(["a", "b"]);
  });

  it("says what is wrong with a bad file", async () => {
    expect(await parseTimelineFile(new Blob(["{"]))).toMatchObject({ ok: false, error: expect.stringMatching(/^Not JSON/) });
  });
});

describe("importTimelineFile (no Worker here: the same chunked parse on the calling thread)", () => {
  const file = (events: TimelineEvent[]) => new File([JSON.stringify(buildTimelineDocument(events, null))], "session.json");
  it("shows the file in the imported view, complete once done", async () => {
    const store = createTimelineStore();
    const events = Array.from({ length: 1200 }, (_, i) => event(`e${i}`, i));
    expect(await importTimelineFile(store, file(events))).toEqual({ ok: true, count: 1200 });
    const s = store.getState();
    expect(s.view).toBe("imported");
    expect(s.imported).toMatchObject({ source: "session.json", loading: null });
    expect(s.imported?.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("drops what was shown of a file found invalid part-way, and says why", async () => {
    const store = createTimelineStore();
    const events = Array.from({ length: 1200 }, (_, i) => event(`e${i}`, i));
    const states: (number | undefined)[] = [];
    store.subscribe((s) => states.push(s.imported?.events.length));
    const bad = { ...events[1100]!, at: -1 };
    const result = await importTimelineFile(store, file([...events.slice(0, 1100), bad]));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid timeline: event 1101/) });
    expect(states.some((n) => n !== undefined && n > 0)).toBe(true); // rows were shown before the bad event was read
    expect(store.getState()).toMatchObject({ imported: null, view: "live", importError: result.ok ? null : result.error });
  });
});
