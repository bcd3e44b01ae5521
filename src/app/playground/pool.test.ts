import { describe, expect, it } from "vitest";
import { runPooled } from "./pool";

describe("runPooled", () => {
  it("runs every job, never more than the limit at once", async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runPooled(Array.from({ length: 25 }, (_, i) => i), 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, i % 3));
      done.push(i);
      inFlight--;
    });
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it("does nothing for no items", async () => {
    let calls = 0;
    await runPooled([], 4, async () => void calls++);
    expect(calls).toBe(0);
  });
});
