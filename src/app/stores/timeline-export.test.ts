import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { DEFAULT_PROFILE } from "./profile";
import { timeSlicer, writeTimelineExport, type Slicer } from "./timeline-export";
import { buildTimelineDocument } from "./timeline-file";

function events(count: number): TimelineEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `e${i}`,
    at: 1_000 + i,
    lane: i % 2 ? "res-1" : "sink",
    kind: "presence",
    summary: `presence "${i}" \u2028 <x/>`,
    direction: "out",
    available: true,
    priority: i,
  }) as TimelineEvent);
}

/** A slicer that is always due: the writer yields as often as it can, and says how often. */
function everySlice(): Slicer & { pauses: number } {
  const s = {
    pauses: 0,
    due: () => true,
    pause: async () => {
      s.pauses += 1;
    },
  };
  return s;
}

describe("writeTimelineExport", () => {
  const profile = { ...DEFAULT_PROFILE, rememberPassword: true, account: { username: "alice", password: "secret" } };
  const lanes = { "res-1": { label: "alice/r1", colour: "#0072B2", role: "resource" as const }, gone: { label: "x", colour: "#000000", role: "sender" as const } };
  const at = new Date("2026-01-02T03:04:05.000Z");

  for (const count of [0, 1, 63, 64, 65, 1000]) {
    it(`writes the text one JSON.stringify of the document gives (${count} events), yielding between slices`, async () => {
      const list = events(count);
      const slicer = everySlice();
      const blob = await writeTimelineExport({ events: list, profile, lanes, at }, slicer);
      expect(await blob.text()).toBe(JSON.stringify(buildTimelineDocument(list, profile, lanes, at)));
      expect(blob.type).toBe("application/json");
      // The clock is read every 64 events: one pause per full 64 when a slice is always due.
      expect(slicer.pauses).toBe(Math.floor(count / 64));
    });
  }

  it("does not yield while a slice has time left", async () => {
    let clock = 0;
    const slicer = timeSlicer(8, () => clock);
    expect(slicer.due()).toBe(false);
    clock = 8;
    expect(slicer.due()).toBe(true);
    await slicer.pause();
    expect(slicer.due()).toBe(false);
  });
});
