import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { buildPushPublish } from "../../protocol/stanzas/push";
import { ObservationLog } from "./observations";
import { isRetrievedPing, observePublish, Sink, toSinkMode } from "./sink";

function publishIq(summary: Parameters<typeof buildPushPublish>[0]["summary"], node = "node-n"): Element {
  return buildPushPublish({ id: "p1", from: "localhost", to: "pushsvc@localhost/sink", node, summary, publishOptions: null });
}

describe("toSinkMode", () => {
  it("reads the shorthands and passes modes through", () => {
    expect(toSinkMode("result")).toEqual({ kind: "result" });
    expect(toSinkMode("silent")).toEqual({ kind: "silent" });
    expect(toSinkMode({ type: "cancel", condition: "item-not-found" })).toEqual({ kind: "error", error: { type: "cancel", condition: "item-not-found" } });
    expect(toSinkMode({ kind: "silent" })).toEqual({ kind: "silent" });
  });
});

describe("observePublish", () => {
  it("reads a message push with its summary", () => {
    const p = observePublish(publishIq({ messageCount: 1, lastMessageSender: "bob@localhost/B", lastMessageBody: "hi" }), 3, { kind: "result" }, 42);
    expect(p).toMatchObject({ seq: 3, at: 42, iqId: "p1", from: "localhost", node: "node-n", nodeLabel: null, kind: "message", answer: { kind: "result" } });
    expect(p.summary?.lastMessageBody).toBe("hi");
    expect(p.xml).toContain("node-n");
  });

  it("tells Tigase's 'retrieved' ping from a message push", () => {
    expect(observePublish(publishIq({ messageCount: 0 }), 1, { kind: "result" }).kind).toBe("retrieved");
    expect(isRetrievedPing({ messageCount: 0 })).toBe(true);
    expect(isRetrievedPing({ messageCount: 0, lastMessageBody: "x" })).toBe(false);
    expect(isRetrievedPing({ messageCount: 2 })).toBe(false);
    expect(isRetrievedPing(null)).toBe(false);
  });

  it("keeps an unreadable publish as malformed, with the node it could find", () => {
    const iq = xml("iq", { type: "set", id: "bad", from: "localhost" }, xml("pubsub", { xmlns: NS.pubsub }, xml("publish", { node: "node-x" })));
    const p = observePublish(iq, 1, { kind: "result" });
    expect(p).toMatchObject({ kind: "malformed", node: "node-x", iqId: "bad", summary: null });
    expect(p.parseError).toEqual(expect.any(String));
  });
});

describe("Sink", () => {
  it("files each publish with its node label and answers in the current mode", async () => {
    const log = new ObservationLog();
    const sink = new Sink(log, (node) => (node === "node-n" ? "N" : null));
    expect(sink.receive(publishIq({ messageCount: 1 }))).toBe(true);
    sink.mode = { kind: "error", error: { type: "wait", condition: "internal-server-error" } };
    const reply = sink.receive(publishIq({ messageCount: 1 }, "other"));
    expect(reply).not.toBe(true);
    expect((reply as Element).getChild("internal-server-error")).toBeDefined();
    sink.mode = { kind: "silent" };
    const silent = sink.receive(publishIq({ messageCount: 1 }));
    const settled = await Promise.race([Promise.resolve(silent).then(() => "answered"), new Promise((r) => setTimeout(() => r("silent"), 20))]);
    expect(settled).toBe("silent");
    expect(log.publishes.map((p) => [p.seq, p.nodeLabel, p.answer.kind])).toEqual([
      [1, "N", "result"],
      [2, null, "error"],
      [3, "N", "silent"],
    ]);
  });
});
