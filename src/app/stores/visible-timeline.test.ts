import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { filterEvents, createTimelineStore } from "./timeline";
import { buildTimelineDocument } from "./timeline-file";
import { createVisibleTimeline } from "./visible-timeline";

let n = 0;
const ev = (summary: string, lane = "res-1"): TimelineEvent => ({ id: `e${++n}`, at: n, lane, kind: "connection", status: "online", summary });

function setup() {
  const store = createTimelineStore();
  const compute = createVisibleTimeline();
  const visible = () => compute(store.getState());
  const expectFull = () => {
    const s = store.getState();
    const got = visible();
    const want = filterEvents(s.view === "imported" && s.imported ? s.imported.events : s.events, s.filters);
    expect(got.events.map((e) => `${e.id}:${e.summary}`)).toEqual(want.map((e) => `${e.id}:${e.summary}`));
    for (const [i, e] of want.entries()) expect(got.indexOf(e.id)).toBe(i);
    return got;
  };
  return { store, visible, expectFull };
}

describe("visible timeline, kept up to date incrementally", () => {
  it("matches a full filter after appends, patches, narrowing and widening", () => {
    const { store, expectFull } = setup();
    store.getState().applyBatch({ append: [ev("alpha one"), ev("beta"), ev("alpha two")], patches: [] });
    store.getState().setSearch("alpha");
    expectFull();
    const added = [ev("alpha three"), ev("gamma")];
    store.getState().applyBatch({ append: added, patches: [{ id: added[0]!.id, apply: (e) => ({ ...e, summary: "alpha three (patched)" }) }] });
    expectFull();
    // A patch that makes an event stop matching.
    store.getState().applyBatch({ append: [], patches: [{ id: added[0]!.id, apply: (e) => ({ ...e, summary: "no longer" }) }] });
    expectFull();
    store.getState().setSearch("alpha t");
    expectFull();
    store.getState().setSearch("al");
    expectFull();
    store.getState().pause();
    store.getState().applyBatch({ append: [ev("alpha while paused")], patches: [] });
    expectFull();
    store.getState().resume();
    expectFull();
    store.getState().clear();
    expectFull();
  });

  it("searches summaries and XML case-insensitively, as lower-casing both did, while typing narrows", () => {
    const { store, expectFull } = setup();
    const withXml = (summary: string, xml: string): TimelineEvent => ({ ...ev(summary), xml });
    store.getState().applyBatch({
      append: [
        withXml("Push to sink", `<iq id="PUSH-7" type="set"><publish node="N-1"/></iq>`),
        withXml("message", `<message id="m-8333-84F5"><body>Wherefore (art) thou?</body></message>`),
        ev("ÉTÉ presence"),
        ev("no xml at all"),
      ],
      patches: [],
    });
    for (const search of ["p", "pu", "pus", "push", "push-", "push-7", "PUSH-7", "n-1", "m-8333-84f", "m-8333-84f5", "(art) THOU?", "été", "8333", "nothing"]) {
      store.getState().setSearch(search);
      expectFull();
    }
  });

  it("does not re-filter an imported view when live events arrive", async () => {
    const { store, visible, expectFull } = setup();
    const imported = Array.from({ length: 50 }, (_, i) => ev(i % 2 ? "match" : "other", "old-lane"));
    expect(await store.getState().importJson(JSON.stringify(buildTimelineDocument(imported, null)))).toMatchObject({ ok: true, count: 50 });
    store.getState().setSearch("match");
    const before = expectFull();
    store.getState().applyBatch({ append: [ev("match live")], patches: [] });
    expect(visible()).toBe(before);
    expect(before.events).toHaveLength(25);
  });

  it("looks positions up without filters too", () => {
    const { store, visible } = setup();
    const a = ev("a");
    const b = ev("b");
    store.getState().applyBatch({ append: [a, b], patches: [] });
    expect(visible().indexOf(b.id)).toBe(1);
    expect(visible().indexOf("nope")).toBe(-1);
  });
});

describe("visible timeline over a capped live list", () => {
  it("follows drops at the cap without a full pass and stays equal to a full filter", () => {
    const store = createTimelineStore({ cap: 5 });
    const compute = createVisibleTimeline();
    const batch = (...s: string[]) => store.getState().applyBatch({ append: s.map((x) => ev(x)), patches: [] });
    batch("keep 1", "other", "keep 2");
    store.getState().setSearch("keep");
    const first = compute(store.getState());
    const events = store.getState().events;
    batch("keep 3", "other", "keep 4");
    expect(store.getState().events).toBe(events); // appended in place
    expect(store.getState().liveChangesSince(store.getState().liveSeq - 1)).toMatchObject({ appended: 3, dropped: 1 });
    const next = compute(store.getState());
    expect(next).not.toBe(first);
    expect(next.events).toBe(first.events); // caught up in place, not rebuilt
    const want = filterEvents(store.getState().events, store.getState().filters);
    expect(next.events.map((e) => e.summary)).toEqual(want.map((e) => e.summary));
    for (const [i, e] of want.entries()) expect(next.indexOf(e.id)).toBe(i);
  });
});

describe("a pass over the whole view in slices", () => {
  /** A clock that passes a millisecond per read: with 0 ms per slice, each call matches one block of events. */
  function slicing() {
    let t = 0;
    return createVisibleTimeline({ sliceMs: 0, now: () => t++ });
  }

  it("shows what it found so far, finishes over the next calls, and catches up with live changes made meanwhile", () => {
    const store = createTimelineStore();
    const compute = slicing();
    store.getState().applyBatch({ append: Array.from({ length: 3000 }, (_, i) => ev(i % 3 ? "other" : "needle")), patches: [] });
    store.getState().setSearch("needle");
    let got = compute(store.getState());
    expect(got.complete).toBe(false);
    expect(got.events.length).toBeGreaterThan(0);
    expect(got.events.length).toBeLessThan(1000);
    const added = [ev("needle late"), ev("other late")];
    store.getState().applyBatch({ append: added, patches: [{ id: added[1]!.id, apply: (e) => ({ ...e, summary: "needle patched" }) }] });
    let calls = 1;
    while (!got.complete && calls++ < 100) got = compute(store.getState());
    expect(got.complete).toBe(true);
    const want = filterEvents(store.getState().events, store.getState().filters);
    expect(got.events.map((e) => e.summary)).toEqual(want.map((e) => e.summary));
    expect(got.events.at(-1)!.summary).toBe("needle patched");
    for (const [i, e] of want.entries()) expect(got.indexOf(e.id)).toBe(i);
  });

  it("a newer search abandons the pass of the one before", () => {
    const store = createTimelineStore();
    const compute = slicing();
    store.getState().applyBatch({ append: Array.from({ length: 3000 }, (_, i) => ev(i % 2 ? "alpha" : "beta")), patches: [] });
    store.getState().setSearch("alpha");
    expect(compute(store.getState()).complete).toBe(false);
    store.getState().setSearch("beta");
    let got = compute(store.getState());
    while (!got.complete) got = compute(store.getState());
    expect(got.events.every((e) => e.summary === "beta")).toBe(true);
    expect(got.events).toHaveLength(1500);
  });

  /** Calls until the result is complete (each call is one slice). */
  function finish(compute: ReturnType<typeof slicing>, store: ReturnType<typeof createTimelineStore>) {
    let calls = 1;
    let got = compute(store.getState());
    while (!got.complete && calls < 100) {
      got = compute(store.getState());
      calls++;
    }
    return { got, calls };
  }

  it("typing further while a pass runs narrows what it found and reads only what it had left", () => {
    const store = createTimelineStore();
    const compute = slicing();
    store.getState().applyBatch({ append: Array.from({ length: 3000 }, (_, i) => ev(i % 10 ? `other ${i}` : `Needle ${i}`)), patches: [] });
    store.getState().setSearch("nee");
    for (let i = 0; i < 5; i++) expect(compute(store.getState()).complete).toBe(false);
    // Meanwhile: live events arrive and one already read is patched.
    const first = store.getState().events[0]!;
    store.getState().applyBatch({ append: [ev("needle late"), ev("other late")], patches: [{ id: first.id, apply: (e) => ({ ...e, summary: "needle patched" }) }] });
    store.getState().setSearch("need");
    const { got, calls } = finish(compute, store);
    // 256 found so far and 440 left: one slice, where a new pass over the 3,000 would take six.
    expect(calls).toBeLessThanOrEqual(2);
    const want = filterEvents(store.getState().events, store.getState().filters);
    expect(got.events.map((e) => e.summary)).toEqual(want.map((e) => e.summary));
    expect(got.events[0]!.summary).toBe("needle patched");
    for (const [i, e] of want.entries()) expect(got.indexOf(e.id)).toBe(i);
    // And typed further again, after the pass ended: the complete result narrows as before.
    store.getState().setSearch("needle 2");
    const again = finish(compute, store).got;
    expect(again.events.map((e) => e.summary)).toEqual(filterEvents(store.getState().events, store.getState().filters).map((e) => e.summary));
  });

  it("narrows a pass over an imported view as well, and a search that does not narrow starts over", () => {
    const store = createTimelineStore();
    const compute = slicing();
    const events = Array.from({ length: 3000 }, (_, i) => ev(i % 4 ? `push ${i}` : `pull ${i}`));
    store.getState().showImported(buildTimelineDocument(events, null));
    store.getState().setSearch("pu");
    compute(store.getState());
    compute(store.getState());
    store.getState().setSearch("pus");
    compute(store.getState());
    store.getState().setSearch("pull");
    const { got } = finish(compute, store);
    expect(got.events.map((e) => e.summary)).toEqual(events.filter((e) => e.summary.startsWith("pull")).map((e) => e.summary));
    store.getState().setSearch("pul");
    compute(store.getState());
    store.getState().setSearch("pull 1");
    const narrowed = finish(compute, store).got;
    expect(narrowed.events.map((e) => e.summary)).toEqual(events.filter((e) => e.summary.startsWith("pull 1")).map((e) => e.summary));
  });

  it("keeps a live result in place when a batch appends and patches its own events", () => {
    const store = createTimelineStore();
    const compute = createVisibleTimeline();
    store.getState().applyBatch({ append: [ev("match a"), ev("x")], patches: [] });
    store.getState().setSearch("match");
    const before = compute(store.getState());
    const added = ev("match b");
    store.getState().applyBatch({ append: [added], patches: [{ id: added.id, apply: (e) => ({ ...e, summary: "match b (patched)" }) }] });
    const after = compute(store.getState());
    expect(after.events).toBe(before.events);
    expect(after.events.map((e) => e.summary)).toEqual(["match a", "match b (patched)"]);
  });
});
