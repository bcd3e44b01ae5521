import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { createConsoleStore } from "./console";
import { createEventQueue, IMMEDIATE_PER_FRAME } from "./event-queue";
import { createTimelineStore } from "./timeline";

function event(i: number): TimelineEvent {
  return { id: `e${i}`, at: i, lane: "res-1", kind: "connection", status: "online", summary: `#${i}` };
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
    queue.pushEvent(event(1));
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

  it("flushes at the end of the task when idle: one store update for what the task queued", async () => {
    const { timeline, timers, queue } = adaptiveQueue();
    let updates = 0;
    timeline.subscribe(() => updates++);
    queue.pushEvent(event(1));
    queue.pushEvent(event(2));
    expect(timeline.getState().events).toHaveLength(0);
    await Promise.resolve();
    expect(timeline.getState().events.map((e) => e.id)).toEqual(["e1", "e2"]);
    expect(updates).toBe(1);
    expect(timers).toHaveLength(0);
  });

  it("batches on a timer (or the next frame) after IMMEDIATE_PER_FRAME flushes within one frame", async () => {
    const { timeline, timers, queue, advance } = adaptiveQueue();
    for (let i = 1; i <= IMMEDIATE_PER_FRAME; i++) {
      queue.pushEvent(event(i));
      await Promise.resolve();
      advance(1);
    }
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME);
    queue.pushEvent(event(10));
    queue.pushEvent(event(11));
    await Promise.resolve();
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME);
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(timeline.getState().events).toHaveLength(IMMEDIATE_PER_FRAME + 2);
    // Idle again a frame later: back to the end-of-task flush.
    advance(20);
    queue.pushEvent(event(12));
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
