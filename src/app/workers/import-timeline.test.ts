import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { buildTimelineDocument } from "../stores/timeline-file";
import { parseTimelineFile } from "./import-timeline";

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
