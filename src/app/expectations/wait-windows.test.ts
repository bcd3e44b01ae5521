import { describe, expect, it } from "vitest";
import { manualClock } from "../test-support/expectation-fixtures";
import { createWaitWindows } from "./wait-windows";

function setup() {
  const clock = manualClock();
  const closed: Array<[string, number | null, number]> = [];
  const windows = createWaitWindows({ ...clock, onClose: (id, sinkConnectedAt) => closed.push([id, sinkConnectedAt, clock.now()]) });
  return { clock, closed, windows };
}

describe("wait windows", () => {
  it("closes each window at its deadline, earliest first, with the sink connection it was opened with", () => {
    const { clock, closed, windows } = setup();
    const t0 = clock.now();
    windows.open("late", t0 + 5000, 7);
    windows.open("early", t0 + 1000, null);
    clock.advance(999);
    expect(closed).toEqual([]);
    clock.advance(1);
    expect(closed).toEqual([["early", null, t0 + 1000]]);
    clock.advance(4000);
    expect(closed).toEqual([["early", null, t0 + 1000], ["late", 7, t0 + 5000]]);
  });

  it("closes nothing after dispose", () => {
    const { clock, closed, windows } = setup();
    windows.open("m-1", clock.now() + 1000, null);
    windows.dispose();
    clock.advance(2000);
    expect(closed).toEqual([]);
  });
});
