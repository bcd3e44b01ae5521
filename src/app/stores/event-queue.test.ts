import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { createConsoleStore } from "./console";
import { createEventQueue, IMMEDIATE_PER_FRAME } from "./event-queue";
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
  let clock = 1_000;
  const queue = createEventQueue({
    timeline,
    console: createConsoleStore(),
    adaptive: true,
    now: () => clock,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  });
  return { timeline, timers, queue, advance: (ms: number) => (clock += ms) };
}

describe("adaptive event queue", () => {
  it("runs deferred store updates in the flush, after the events they go with", async () => {
    const { timeline, queue } = adaptiveQueue();
    const seen: number[] = [];
    queue.pushEvent(push(1));
    queue.defer(() => seen.push(timeline.getState().events.length));
    queue.defer(() => seen.push(-1));
    expect(queue.pending).toBe(3);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([1, -1]);
    expect(queue.pending).toBe(0);
    // A deferred update alone is flushed too.
    queue.defer(() => seen.push(2));
    queue.flush();
    expect(seen).toEqual([1, -1, 2]);
    expect(queue.flushes).toBe(2);
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

  it("flushes pushes at once IMMEDIATE_PER_FRAME times per frame, then once per frame", async () => {
    const { timeline, timers, queue, advance } = adaptiveQueue();
    for (let i = 1; i <= IMMEDIATE_PER_FRAME; i++) {
      queue.pushEvent(push(i));
      await Promise.resolve();
      advance(1);
    }
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME);
    queue.pushEvent(push(10));
    queue.pushEvent(push(11));
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME);
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME + 2);
    // A frame later: a push is flushed at the end of its task again.
    advance(20);
    queue.pushEvent(push(12));
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME + 3);
    expect(timers).toHaveLength(1);
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
