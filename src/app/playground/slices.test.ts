import { describe, expect, it } from "vitest";
import { createSlicer, forEachInSlices, nextTask } from "./slices";

describe("createSlicer", () => {
  it("lets a loop run on within its budget and yields a task once the budget is spent", async () => {
    let clock = 0;
    let yields = 0;
    const slicer = createSlicer(() => clock, 8, async () => {
      yields += 1;
    });
    clock = 7;
    expect(slicer.pause()).toBeNull();
    clock = 8;
    const pause = slicer.pause();
    expect(pause).not.toBeNull();
    await pause;
    expect(yields).toBe(1);
    // The next slice starts when the loop resumes.
    clock = 15;
    expect(slicer.pause()).toBeNull();
    clock = 16;
    await slicer.pause();
    expect(yields).toBe(2);
  });

  it("nextTask resolves in a later task, not among the current task's microtasks", async () => {
    let resolved = false;
    const next = nextTask().then(() => {
      resolved = true;
    });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(resolved).toBe(false);
    await next;
    expect(resolved).toBe(true);
  });

  it("forEachInSlices yields a task when a slice is spent, and stops when the callback says false", async () => {
    let clock = 0;
    let yields = 0;
    const slicer = createSlicer(() => clock, 8, async () => {
      yields += 1;
    });
    const seen: number[] = [];
    await forEachInSlices([1, 2, 3, 4, 5], (n) => {
      seen.push(n);
      clock += 5;
      if (n === 4) return false;
    }, slicer);
    expect(seen).toEqual([1, 2, 3, 4]);
    // 5 ms per item: the third starts a new slice (10 ms spent), the fourth fits in it.
    expect(yields).toBe(1);
  });
});
