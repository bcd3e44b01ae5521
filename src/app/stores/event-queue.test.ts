import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { createConsoleStore } from "./console";
import { BUSY_COST_FACTOR, createEventQueue } from "./event-queue";
import { createTimelineStore } from "./timeline";

function event(i: number): TimelineEvent {
  return { id: `e${i}`, at: i, lane: "res-1", kind: "connection", status: "online", summary: `#${i}` };
}

function push(i: number): TimelineEvent {
  return { id: `p${i}`, at: i, lane: "sink", kind: "push", summary: `push #${i}`, iqId: `i${i}`, from: "localhost", node: "n", notification: null, publishOptions: null, answer: { kind: "result" } } as TimelineEvent;
}

function adaptiveQueue() {
  const timeline = createTimelineStore();
  const timers: (() => void)[] = [];
  let frames: (() => void)[] = [];
  let clock = 1_000;
  const queue = createEventQueue({
    timeline,
    console: createConsoleStore(),
    adaptive: true,
    now: () => clock,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
    requestFrame: (fn) => frames.push(fn),
  });
  /** The next animation frame, `ms` after the last one. */
  const frame = (ms = 16) => {
    clock += ms;
    const due = frames;
    frames = [];
    due.forEach((fn) => fn());
  };
  return { timeline, timers, queue, frame, advance: (ms: number) => (clock += ms), framesWaiting: () => frames.length };
}

describe("adaptive event queue", () => {
  it("runs deferred store updates after the events they go with: an idle push's with the next frame", async () => {
    const { timeline, queue, frame } = adaptiveQueue();
    const seen: number[] = [];
    queue.pushEvent(push(1));
    queue.defer(() => seen.push(timeline.getState().events.length));
    queue.defer(() => seen.push(-1));
    expect(queue.pending).toBe(3);
    expect(seen).toEqual([]);
    await Promise.resolve();
    // The row is in its store at the end of the task; the counters wait for the frame.
    expect(timeline.getState().events).toHaveLength(1);
    expect(seen).toEqual([]);
    frame();
    expect(seen).toEqual([1, -1]);
    expect(queue.pending).toBe(0);
    // A deferred update alone is flushed too.
    queue.defer(() => seen.push(2));
    queue.flush();
    expect(seen).toEqual([1, -1, 2]);
    expect(queue.flushes).toBe(2);
  });

  it("an idle push's counters are still written where frames do not come (the timer)", async () => {
    const { timers, queue } = adaptiveQueue();
    const seen: string[] = [];
    queue.pushEvent(push(1));
    queue.defer(() => seen.push("count"));
    await Promise.resolve();
    expect(seen).toEqual([]);
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(seen).toEqual(["count"]);
  });

  it("flushes a batch with a push at the end of the task: one store update for what the task queued", async () => {
    const { timeline, timers, queue } = adaptiveQueue();
    let updates = 0;
    timeline.subscribe(() => updates++);
    queue.pushEvent(event(1));
    queue.pushEvent(push(2));
    expect(timeline.getState().events).toHaveLength(0);
    await Promise.resolve();
    expect(timeline.getState().events.map((e) => e.id)).toEqual(["e1", "p2"]);
    expect(updates).toBe(1);
    // The timer armed for the first event finds nothing left to flush.
    expect(queue.pending).toBe(0);
    timers.forEach((fire) => fire());
    expect(updates).toBe(1);
  });

  it("leaves everything but pushes for the next push or the timer", async () => {
    const { timeline, timers, queue } = adaptiveQueue();
    queue.pushEvent(event(1));
    queue.pushFrame({ id: "f1", lane: "res-1", at: 1, direction: "in", kind: "sm", text: "<r xmlns='urn:xmpp:sm:3'/>" });
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(0);
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(timeline.getState().events.map((e) => e.id)).toEqual(["e1"]);
    // A push takes what waits with it, at once.
    queue.pushEvent(event(2));
    queue.pushEvent(push(3));
    await Promise.resolve();
    expect(timeline.getState().events.map((e) => e.id)).toEqual(["e1", "e2", "p3"]);
  });

  it("idle, a push is flushed at the end of its task; while pushes keep coming, once per frame at most", async () => {
    const { timeline, queue, frame, framesWaiting } = adaptiveQueue();
    queue.pushEvent(push(1));
    await Promise.resolve();
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(1);
    // More pushes before the next frame wait for it: one flush for both.
    let updates = 0;
    timeline.subscribe(() => updates++);
    queue.pushEvent(push(2));
    queue.pushEvent(push(3));
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(1);
    frame();
    expect(timeline.getState().events).toHaveLength(3);
    expect(updates).toBe(1);
    // A frame with no push waiting: idle again, and the next push is flushed at once.
    frame();
    expect(framesWaiting()).toBe(0);
    queue.pushEvent(push(4));
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(4);
    expect(updates).toBe(2);
  });

  it("under load, spaces flushes by the cost of the last one (its render and layout included)", async () => {
    const { timeline, queue, frame, advance } = adaptiveQueue();
    // The first flush "costs" 10 ms: the microtasks after it (React's render, the list's scroll) see the clock moved.
    queue.pushEvent(push(1));
    await Promise.resolve();
    advance(10);
    await Promise.resolve();
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(1);
    queue.pushEvent(push(2));
    // Frames come, but the next flush waits BUSY_COST_FACTOR × 10 ms (capped by the 50 ms interval).
    const spacing = Math.min(50, BUSY_COST_FACTOR * 10);
    let waited = 10;
    while (waited + 16 < spacing) {
      frame();
      waited += 16;
      expect(timeline.getState().events).toHaveLength(1);
    }
    frame();
    expect(timeline.getState().events).toHaveLength(2);
  });

  it("flushes on the timer where no frame comes (a hidden tab)", async () => {
    const { timeline, timers, queue } = adaptiveQueue();
    queue.pushEvent(push(1));
    await Promise.resolve();
    queue.pushEvent(push(2));
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(timeline.getState().events).toHaveLength(2);
  });

  it("an explicit flush cancels the scheduled one", async () => {
    const { timeline, queue } = adaptiveQueue();
    let updates = 0;
    timeline.subscribe(() => updates++);
    queue.pushEvent(event(1));
    queue.flush();
    await Promise.resolve();
    expect(updates).toBe(1);
    expect(queue.pending).toBe(0);
  });
});
