import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { importedIndexOf } from "./imported-index";

const ev = (i: number): TimelineEvent => ({ id: `e${i}`, at: i, lane: "res-1", kind: "connection", status: "online", summary: `event ${i}` });

describe("importedIndexOf", () => {
  it("finds every event, reads no further than the one asked for, and follows a list that grows", () => {
    const events = Array.from({ length: 10 }, (_, i) => ev(i));
    let reads = 0;
    const counted = new Proxy(events, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(importedIndexOf(counted, "e0")).toBe(0);
    expect(reads).toBe(1);
    expect(importedIndexOf(counted, "e3")).toBe(3);
    expect(reads).toBe(4);
    expect(importedIndexOf(counted, "e1")).toBe(1);
    expect(reads).toBe(4);
    expect(importedIndexOf(counted, "nope")).toBe(-1);
    expect(reads).toBe(10);
    events.push(ev(10));
    expect(importedIndexOf(counted, "e10")).toBe(10);
    for (let i = 0; i <= 10; i++) expect(importedIndexOf(counted, `e${i}`)).toBe(i);
  });
});
