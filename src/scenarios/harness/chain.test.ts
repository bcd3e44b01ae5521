import { describe, expect, it } from "vitest";
import type { HarnessEvent } from "../types";
import { StepQueue } from "./chain";

function queue() {
  const events: HarnessEvent[] = [];
  const errors: string[] = [];
  const q = new StepQueue({ emit: (e) => events.push(e), recordError: (m) => errors.push(m) });
  return { q, events, errors };
}

describe("StepQueue", () => {
  it("runs steps in order and records their details", async () => {
    const { q, events } = queue();
    const order: number[] = [];
    q.enqueue("a", "first", async () => {
      order.push(1);
      return "one";
    });
    q.enqueue("b", "second", async () => {
      order.push(2);
    });
    await q.settled();
    expect(order).toEqual([1, 2]);
    expect(q.steps.map((s) => [s.kind, s.status, s.detail])).toEqual([
      ["a", "ok", "one"],
      ["b", "ok", undefined],
    ]);
    expect(q.steps.every((s) => s.startedAt !== undefined && s.endedAt !== undefined)).toBe(true);
    expect(events.map((e) => (e.type === "step" ? e.step.status : e.type))).toEqual(["ok", "ok"]);
  });

  it("fails the wait once, skips the steps queued behind the failure, and runs later ones again", async () => {
    const { q, errors } = queue();
    q.enqueue("fail", "breaks", async () => {
      throw new Error("nope");
    });
    q.enqueue("after", "skipped", async () => "never");
    await expect(q.settled()).rejects.toThrow("nope");
    expect(q.steps.map((s) => s.status)).toEqual(["failed", "skipped"]);
    expect(q.steps[0]?.error).toBe("nope");
    expect(errors).toEqual(["step 0 (breaks): nope"]);
    q.enqueue("again", "runs", async () => "ran");
    await expect(q.settled()).resolves.toBeUndefined();
    expect(q.steps.at(-1)).toMatchObject({ status: "ok", detail: "ran" });
  });

  it("skips whatever is queued after finish()", async () => {
    const { q } = queue();
    q.enqueue("a", "before", async () => undefined);
    await q.finish();
    q.enqueue("b", "after", async () => "too late");
    await q.settled();
    expect(q.steps.map((s) => s.status)).toEqual(["ok", "skipped"]);
  });
});
