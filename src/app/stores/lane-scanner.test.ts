import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { createLaneScanner } from "./lane-scanner";

const ev = (id: string, lane: string): TimelineEvent => ({ id, at: 0, lane, kind: "connection", status: "online", summary: "" });

describe("createLaneScanner", () => {
  it("reads only what was appended, and keeps the result's identity until a new lane appears", () => {
    const scan = createLaneScanner();
    const a = [ev("1", "res-1"), ev("2", "sink")];
    const first = scan(a);
    expect(first).toEqual(["res-1", "sink"]);
    const b = a.concat([ev("3", "res-1")]);
    expect(scan(b)).toBe(first);
    const c = b.concat([ev("4", "server")]);
    expect(scan(c)).toEqual(["res-1", "sink", "server"]);
  });

  it("starts over for a list that does not extend the last one (an import, a clear)", () => {
    const scan = createLaneScanner();
    scan([ev("1", "res-1")]);
    expect(scan([ev("9", "imported-lane")])).toEqual(["imported-lane"]);
    expect(scan([])).toEqual([]);
  });
});
