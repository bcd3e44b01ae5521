import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { buildTimelineDocument, parseTimelineDocument } from "../stores/timeline-file";
import { scanTimelineJson } from "./json-scan";
import { streamTimelineText } from "./stream-timeline";
import type { ImportReply } from "./timeline-import-protocol";

const event = (id: string, at: number, summary = id): TimelineEvent => ({ id, at, lane: "res-1", kind: "connection", status: "online", summary, xml: `<presence id="${id}">"\\}{]</presence>` });

function run(text: string): ImportReply[] {
  const replies: ImportReply[] = [];
  streamTimelineText(text, (r) => replies.push(r), { first: 2, rest: 3 });
  return replies;
}

/** The events a page would end up showing from the replies. */
function shown(replies: ImportReply[]): string[] {
  let ids: string[] = [];
  for (const r of replies) {
    if (r.type === "reset") ids = [];
    if (r.type === "events") ids.push(...r.events.map((e) => e.id));
  }
  return ids;
}

describe("streamTimelineText: a file parsed and shown in chunks", () => {
  const events = Array.from({ length: 10 }, (_, i) => event(`e${i}`, 100 + i));
  const text = JSON.stringify(buildTimelineDocument(events, null), null, 1);

  it("sends the head, then chunks in order (a small first one), then done", () => {
    const replies = run(text);
    expect(replies[0]).toMatchObject({ type: "meta", total: 10 });
    expect(replies.filter((r) => r.type === "events").map((r) => (r.type === "events" ? r.events.length : 0))).toEqual([2, 3, 3, 2]);
    expect(replies.at(-1)).toEqual({ type: "done" });
    expect(shown(replies)).toEqual(events.map((e) => e.id));
    const whole = parseTimelineDocument(text);
    expect(whole.ok && whole.document.events).toEqual(replies.flatMap((r) => (r.type === "events" ? r.events : [])));
  });

  it("re-sends a file that is not in time order sorted, after a reset", () => {
    const shuffled = [...events.slice(0, 6), event("late", 50), ...events.slice(6)];
    const replies = run(JSON.stringify(buildTimelineDocument(shuffled, null)));
    expect(replies.some((r) => r.type === "reset")).toBe(true);
    expect(shown(replies)).toEqual(["late", ...events.map((e) => e.id)]);
    expect(replies.at(-1)).toEqual({ type: "done" });
  });

  it("says which event is wrong, even after rows were shown, and gives JSON.parse's error for bad JSON", () => {
    const bad = JSON.parse(text) as { events: Record<string, unknown>[] };
    bad.events[7]!.kind = "nope";
    expect(run(JSON.stringify(bad)).at(-1)).toMatchObject({ type: "error", error: expect.stringMatching(/^Invalid timeline: event 8 \(e7\): unknown kind "nope"/) });
    const dup = JSON.parse(text) as { events: Record<string, unknown>[] };
    dup.events[9]!.id = "e1";
    expect(run(JSON.stringify(dup)).at(-1)).toMatchObject({ type: "error", error: expect.stringMatching(/duplicate id 'e1'/) });
    const broken = text.slice(0, -40);
    const expected = parseTimelineDocument(broken);
    expect(expected.ok).toBe(false);
    expect(run(broken).at(-1)).toEqual({ type: "error", error: !expected.ok && expected.error });
    expect(run("  ").at(-1)).toEqual({ type: "error", error: "The file is empty." });
    expect(run(JSON.stringify({ ...JSON.parse(text), format: "x" })).at(-1)).toMatchObject({ type: "error", error: expect.stringMatching(/^Not a timeline export/) });
  });
});

describe("scanTimelineJson", () => {
  it("finds members and element bounds, with escapes and nesting inside strings", () => {
    const text = ' { "a\\"b" : [1, {"x": "]}"}], "events": [ {"s": "\\\\"}, 2 ,"q\\"" ] , "n": null } ';
    const scan = scanTimelineJson(text)!;
    expect([...scan.members]).toEqual([['a"b', '[1, {"x": "]}"}]'], ["n", "null"]]);
    expect(scan.events!.starts.map((s, i) => text.slice(s, scan.events!.ends[i]))).toEqual(['{"s": "\\\\"}', "2", '"q\\""']);
  });

  it("returns null for what it does not expect (the caller then parses the whole text)", () => {
    for (const text of ["[]", '{"a": 1,}', '{"a" 1}', '{"events": [1,]}', '{"a": "x}', '{"a": 1} x']) expect(scanTimelineJson(text), text).toBeNull();
    expect(scanTimelineJson("{}")).toEqual({ members: new Map(), events: null });
  });
});
