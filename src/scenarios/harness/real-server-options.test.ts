// The harness options that real, shared accounts need: resources tagged per run, disco
// identities recorded, and XEP-0198 only on the sessions that ask for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test-support/test-server";
import type { TestServer } from "../../server/test-support/test-server";
import { PushHarness } from ".";
import { testHarnessOptions } from "../test-support/harness-options";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("PushHarness options for shared accounts", () => {
  it("binds account resources with the suffix, keeps the labels in its records, and addresses them by label", async () => {
    const h = new PushHarness({ ...testHarnessOptions(server.url, { domain: "localhost" }), resourceSuffix: "-run7" });
    try {
      await h.connect("A1").presence("A1", "available").send({ to: "A1", body: "to the tagged resource" }).collect("direct");
      expect(h.jidOf("A1")).toBe(`${h.account}/A1-run7`);
      expect(h.sent[0]?.to).toBe(`${h.account}/A1-run7`);
      expect(h.probe("direct")?.deliveries.filter((d) => d.body === "to the tagged resource").map((d) => d.resource)).toEqual(["A1"]);
    } finally {
      await h.close();
    }
  });

  it("records disco#info identities, so a run can tell which server it talks to", async () => {
    const h = new PushHarness(testHarnessOptions(server.url, { domain: "prosody.localhost" }));
    try {
      await h.connect("A1").disco("A1", "prosody.localhost", "domain").disco("A1", undefined, "account");
      expect(h.iq("domain")?.identities).toEqual([{ category: "server", type: "im", name: "XMPP Push Playground reference server (prosody policy)" }]);
      expect(h.iq("account")?.identities).toEqual([{ category: "account", type: "registered" }]);
    } finally {
      await h.close();
    }
  });
});

describe("stream management per session", () => {
  let smServer: TestServer;
  beforeAll(async () => {
    smServer = await startTestServer({ streamManagement: true });
  });
  afterAll(async () => {
    await smServer?.close();
  });

  it("stays off by default even when the server offers it, and is negotiated when a connect asks for it", async () => {
    const h = new PushHarness(testHarnessOptions(smServer.url, { domain: "localhost" }));
    try {
      await h.connect("A1").connect("A2", { streamManagement: true });
      const [plain, managed] = h.steps;
      expect(plain?.detail).not.toContain("XEP-0198");
      expect(managed?.detail).toMatch(/XEP-0198 enabled, resumable/);
      expect(h.observation().streamManagement).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("records that a server without XEP-0198 did not offer it", async () => {
    const h = new PushHarness(testHarnessOptions(server.url, { domain: "localhost" }));
    try {
      await h.connect("A2", { streamManagement: true });
      expect(h.steps[0]?.detail).toContain("XEP-0198 not offered");
      expect(h.observation().streamManagement).toBe(false);
      // Without stream management a drop simply ends the session.
      await h.drop("A2");
      expect(h.steps[1]?.detail).toContain("not resumable");
    } finally {
      await h.close();
    }
  });
});
