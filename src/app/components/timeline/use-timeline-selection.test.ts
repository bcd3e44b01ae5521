import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../../model";
import { messageSent, pushEvent } from "../../test-support/render";
import { jumpTarget } from "./use-timeline-selection";

describe("jumpTarget (Enter and double-click)", () => {
  it("goes from a push to its message, from a message to its first push, from a sink answer to its push", () => {
    expect(jumpTarget(pushEvent({ causeEventId: "msg-1" }))).toBe("msg-1");
    expect(jumpTarget(pushEvent())).toBeUndefined();
    expect(jumpTarget(messageSent({ pushEventIds: ["push-1", "push-2"] }))).toBe("push-1");
    expect(jumpTarget(messageSent({ pushEventIds: [] }))).toBeUndefined();
    const answer: TimelineEvent = { id: "a1", at: 1, lane: "sink", kind: "sink-answer", summary: "result", iqId: "iq1", pushEventId: "push-1", answer: { kind: "result" } };
    expect(jumpTarget(answer)).toBe("push-1");
  });
});
