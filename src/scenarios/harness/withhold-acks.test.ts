// The harness's `withholdAcks` step against the reference server (XEP-0198 on): the frozen
// resource keeps receiving while it leaves the server's <r/> unanswered, and the harness still ends
// its session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test-support/test-server";
import type { TestServer } from "../../server/test-support/test-server";
import { PushHarness } from ".";
import { testHarnessOptions } from "../test-support/harness-options";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ streamManagement: true });
});

afterAll(async () => {
  await server?.close();
});

describe("PushHarness.withholdAcks", () => {
  it("refuses a resource without XEP-0198, with the reason", async () => {
    const h = new PushHarness(testHarnessOptions(server.url, { domain: "prosody.localhost" }));
    try {
      await expect(h.connect("A1").withholdAcks("A1")).rejects.toThrow("A1: XEP-0198 is not enabled on its stream, so there is no <r/> to leave unanswered");
    } finally {
      await h.close();
    }
  });

  it("keeps the frozen resource receiving (the unanswered <r/> is stream-management.test.ts's) and ends its session cleanly", async () => {
    const h = new PushHarness(testHarnessOptions(server.url, { domain: "prosody.localhost" }));
    try {
      await h.connect("A1", { streamManagement: true }).presence("A1", "available").withholdAcks("A1").send({ to: "A1", body: "one" }).send({ to: "A1", body: "two" });
      expect(h.deliveries.filter((d) => d.resource === "A1").map((d) => d.body)).toEqual(["one", "two"]);
      expect(h.steps.find((s) => s.kind === "withhold-acks")?.status).toBe("ok");
    } finally {
      await h.close();
    }
    expect(h.errors).toEqual([]);
  });
});
