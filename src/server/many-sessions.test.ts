/**
 * The playground connects 100 resources of one account from one tab (issue 14): the reference
 * server has no per-account session limit, so all of them must be accepted and routed to.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@xmpp/client";
import { connectClient, startTestServer, stopQuietly, type TestServer } from "./test-support";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe("many sessions of one account", () => {
  it("accepts 110 resources of the same account", async () => {
    const clients: Client[] = [];
    try {
      // In groups, as the playground's Connect all does.
      for (let i = 0; i < 110; i += 10) {
        clients.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => connectClient({ url: t.url, username: "many", resource: `r${i + k + 1}` })))));
      }
      expect(clients).toHaveLength(110);
      expect(new Set(clients.map((c) => c.jid?.toString())).size).toBe(110);
      expect(clients.every((c) => c.status === "online")).toBe(true);
    } finally {
      await Promise.all(clients.map((c) => stopQuietly(c)));
    }
  }, 60_000);
});
