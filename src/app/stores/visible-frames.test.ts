import { describe, expect, it } from "vitest";
import type { ConsoleFrame } from "../model";
import { createConsoleStore, filterFrames } from "./console";
import { createVisibleFrames } from "./visible-frames";

let n = 0;
const frame = (text: string, kind: ConsoleFrame["kind"] = "message"): ConsoleFrame => ({ id: `f${++n}`, at: n, lane: "res-1", direction: "in", kind, text });

describe("visible console frames, kept up to date incrementally", () => {
  it("matches a full filter after appends, drops at the cap, filter changes and a clear", () => {
    const store = createConsoleStore({ cap: 6 });
    const compute = createVisibleFrames();
    const check = () => {
      const s = store.getState();
      const got = compute(s);
      const want = filterFrames(s.frames, s.filters);
      expect(got.frames.map((f) => f.id)).toEqual(want.map((f) => f.id));
      for (const [i, f] of want.entries()) expect(got.indexOf(f.id)).toBe(i);
      return got;
    };
    store.getState().appendFrames([frame("<message>a</message>"), frame("<r/>", "sm"), frame("<presence/>", "presence")]);
    const first = check();
    const frames = store.getState().frames;
    store.getState().appendFrames([frame("<message>b</message>"), frame("<a/>", "sm"), frame("<message>c</message>"), frame("<message>d</message>")]);
    expect(store.getState().frames).toBe(frames); // in place
    expect(store.getState().dropped).toBe(1);
    expect(store.getState().smCount).toBe(2);
    expect(check().frames).toBe(first.frames); // caught up, not rebuilt
    store.getState().appendFrames([frame("<message>e</message>"), frame("<message>f</message>"), frame("<message>g</message>")]);
    expect(store.getState().smCount).toBe(1);
    check();
    store.getState().setSearch("message>e");
    check();
    store.getState().setHideSm(false);
    check();
    store.getState().clear();
    expect(check().frames).toEqual([]);
  });
});
