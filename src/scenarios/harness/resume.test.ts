// The harness's `resume` step against the reference server (XEP-0198 on): a dropped session comes
// back with what was queued for it while it hibernated, and a resource with nothing to resume is
// refused with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test-support/test-server";
import type { TestServer } from "../../server/test-support/test-server";
import { PushHarness } from ".";
import { testHarnessOptions } from "../test-support/harness-options";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ streamManagement: true, resumptionTimeoutMs: 10_000 });
});

afterAll(async () => {
  await server?.close();
});

function harness(): PushHarness {
  return new PushHarness(testHarnessOptions(server.url, { domain: "prosody.localhost" }));
}

describe("PushHarness.resume", () => {
  it("gets the hibernated session back: the message queued while it slept is re-sent, with <delay/>, and the session goes on", async () => {
    const h = harness();
    try {
      await h
        .connect("A2", { streamManagement: true })
        .presence("A2", "available")
        .enable("A2", { node: "N1" })
        .drop("A2")
        .send({ to: "bare", body: "while asleep" })
        .collect("asleep", { quietMs: 1600 })
        .resume("A2")
        .collect("resumed", { quietMs: 300 })
        .send({ to: "bare", body: "after" })
        .collect("after", { quietMs: 300 });
      expect(h.probe("asleep")?.deliveries).toEqual([]);
      expect(h.probe("asleep")?.publishes.map((p) => p.nodeLabel)).toEqual(["N1"]);
      const redelivered = h.probe("resumed")?.deliveries ?? [];
      expect(redelivered.map((d) => [d.resource, d.body, d.delay !== undefined])).toEqual([["A2", "while asleep", true]]);
      expect(h.probe("after")?.deliveries.map((d) => [d.resource, d.body])).toEqual([["A2", "after"]]);
      expect(h.probe("after")?.publishes).toEqual([]);
      expect(h.steps.find((s) => s.kind === "resume")).toMatchObject({ status: "ok" });
      expect(h.parties().find((p) => p.resource === "A2")?.state).toBe("online");
    } finally {
      await h.close();
    }
    expect(h.errors).toEqual([]);
  });

  it("refuses a resource that is online or was never dropped, with the reason", async () => {
    const h = harness();
    try {
      await expect(h.resume("A1")).rejects.toThrow("A1 cannot resume: it was never connected");
      await expect(h.connect("A1", { streamManagement: true }).resume("A1")).rejects.toThrow("A1 cannot resume: it is connected (drop it first)");
      await expect(h.connect("A3").drop("A3").resume("A3")).rejects.toThrow("A3 cannot resume: it has no resumable session");
    } finally {
      await h.close();
    }
  });
});
