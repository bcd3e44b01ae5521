import { buildSequence } from "./build";
import { ROW_HEIGHT } from "./layout";
import { LANES, longSession, walkThrough } from "./test-events";
import { isAtLatest, neighbourRow, scrollTopForLatest, scrollTopToReveal, visibleRows } from "./window";

describe("visibleRows over a 10,000-event session", () => {
  const events = longSession(10_000);
  const model = buildSequence(events, { lanes: LANES });
  const height = 600;
  const onScreen = Math.ceil(height / ROW_HEIGHT);

  it("builds one model for the whole session, presence bursts folded", () => {
    expect(events).toHaveLength(10_000);
    expect(model.stats.events).toBe(10_000);
    expect(model.rows.some((r) => r.kind === "collapsed" && r.group === "presence")).toBe(true);
    expect(model.rows.length).toBeGreaterThan(5_000);
  });

  it("returns only the rows on screen (plus the overscan), wherever the viewport is", () => {
    for (const scrollTop of [0, 12_345, model.rows.length * ROW_HEIGHT / 2, 1e12]) {
      const w = visibleRows(model, scrollTop, height, { overscan: 4 });
      expect(w.rows.length).toBeLessThanOrEqual(onScreen + 1 + 2 * 4);
      expect(w.rows).toEqual(model.rows.slice(w.start, w.end));
      expect(w.offsetTop).toBe(w.start * ROW_HEIGHT);
      expect(w.totalHeight).toBe(model.rows.length * ROW_HEIGHT);
    }
  });

  it("covers the viewport: the first and last visible rows are in the window", () => {
    const scrollTop = 50_000;
    const w = visibleRows(model, scrollTop, height, { overscan: 0 });
    expect(w.start).toBe(Math.floor(scrollTop / ROW_HEIGHT));
    expect(w.end).toBe(Math.ceil((scrollTop + height) / ROW_HEIGHT));
  });

  it("clamps a scroll past either end", () => {
    expect(visibleRows(model, -500, height, { overscan: 0 }).start).toBe(0);
    const bottom = visibleRows(model, 1e12, height, { overscan: 0 });
    expect(bottom.end).toBe(model.rows.length);
    expect(bottom.start).toBe(Math.floor((model.rows.length * ROW_HEIGHT - height) / ROW_HEIGHT));
    expect(visibleRows(model, Number.NaN, height).start).toBe(0);
  });

  it("follows the latest: the scrollTop for the newest rows shows the last row", () => {
    const top = scrollTopForLatest(model, height);
    const w = visibleRows(model, top, height, { overscan: 0 });
    expect(w.end).toBe(model.rows.length);
    expect(isAtLatest(model, top, height)).toBe(true);
    expect(isAtLatest(model, top - 3 * ROW_HEIGHT, height)).toBe(false);
  });
});

describe("an empty or short model", () => {
  it("windows nothing, and a short model from the top", () => {
    const empty = buildSequence([]);
    expect(visibleRows(empty, 100, 600)).toMatchObject({ start: 0, end: 0, totalHeight: 0, rows: [] });
    expect(scrollTopForLatest(empty, 600)).toBe(0);
    const short = buildSequence(walkThrough().events, { lanes: LANES });
    expect(visibleRows(short, 300, 5_000)).toMatchObject({ start: 0, end: short.rows.length });
  });
});

describe("selection across views", () => {
  const w = walkThrough();
  const model = buildSequence(w.events, { lanes: LANES });
  const height = 5 * ROW_HEIGHT;

  it("scrolls an event's row into view, centred, and leaves a visible row alone", () => {
    const index = model.rowOfEvent.get(w.ids.notPushed)!;
    const top = scrollTopToReveal(model, w.ids.notPushed, 0, height)!;
    expect(top).toBe(index * ROW_HEIGHT - 2 * ROW_HEIGHT);
    expect(scrollTopToReveal(model, w.ids.notPushed, top, height)).toBe(top);
    expect(scrollTopToReveal(model, "no-such-event", 0, height)).toBeNull();
  });

  it("reveals a folded event at its collapsed row", () => {
    const folded = w.events[2]!.id; // the sink connecting, in the opening group
    expect(model.rowOfEvent.get(folded)).toBe(0);
    expect(scrollTopToReveal(model, folded, 300, height)).toBe(0);
  });

  it("moves between arrows with the keyboard, skipping notes and folded rows", () => {
    const next = neighbourRow(model, 0, 1)!;
    expect(model.rows[next]!.kind).toBe("arrow");
    expect(model.rows.slice(1, next).every((r) => r.kind !== "arrow")).toBe(true);
    expect(neighbourRow(model, next, -1)).toBeNull();
    expect(neighbourRow(model, next, -1, false)).toBe(next - 1);
    expect(neighbourRow(model, model.rows.length - 1, 1)).toBeNull();
  });
});
