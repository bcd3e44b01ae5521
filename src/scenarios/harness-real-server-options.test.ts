// The harness options that real, shared accounts need: resources tagged per run, disco
// identities recorded, and XEP-0198 kept off (xmpp.js 0.14 miscounts its acks, design E).
import { client, xml } from "@xmpp/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../protocol/ns";
import { startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { PushHarness, hideStreamManagement } from "./harness";
import { testHarnessOptions } from "./test-harness-options";

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

describe("hideStreamManagement", () => {
  it("removes the XEP-0198 feature before xmpp.js's middleware (registered earlier) sees it", () => {
    const xmpp = client({ service: "ws://127.0.0.1:1/xmpp-websocket", domain: "localhost" });
    xmpp.on("error", () => undefined);
    const seen: string[][] = [];
    // Like the stream-management module, registered when the client was made, before the hook.
    xmpp.middleware.use((ctx, next) => {
      if (ctx.stanza.is("features", NS.streams)) seen.push(ctx.stanza.getChildElements().map((c) => `${c.getName()} ${c.getNS()}`));
      return next();
    });
    hideStreamManagement(xmpp);
    const features = xml("stream:features", { "xmlns:stream": NS.streams }, xml("sm", { xmlns: NS.sm }), xml("ver", { xmlns: "urn:xmpp:features:rosterver" }));
    xmpp.emit("element", features);
    expect(seen).toEqual([["ver urn:xmpp:features:rosterver"]]);
    // Other elements pass untouched.
    const message = xml("message", { xmlns: NS.client }, xml("sm", { xmlns: NS.sm }));
    xmpp.emit("element", message);
    expect(message.getChild("sm", NS.sm)).toBeDefined();
  });
});
