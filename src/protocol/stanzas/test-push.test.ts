import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import { buildIq } from "./iq";
import { buildTestPush, buildTestPushAnswer, parseTestPushAnswer, type TestPushResult } from "./test-push";
import { attrOf, el, findChild } from "./xml-util";

const key = { jid: "pushsvc@localhost/sink", node: "n1" };

describe("test push stanzas", () => {
  it("builds the request as an iq set with jid and node", () => {
    const iq = buildTestPush(key, "t1");
    expect(attrOf(iq, "type")).toBe("set");
    expect(attrOf(iq, "to")).toBeUndefined();
    const payload = findChild(iq, "test-push", NS.decisions);
    expect(payload && attrOf(payload, "jid")).toBe(key.jid);
    expect(payload && attrOf(payload, "node")).toBe("n1");
  });

  it("round-trips every outcome through the answer", () => {
    const results: TestPushResult[] = [
      { key, iqId: "push-1", seq: 4, outcome: { kind: "result" }, reaction: { action: "keep", errorCount: 0, why: "accepted" } },
      { key, iqId: "push-2", seq: 7, outcome: { kind: "timeout" }, reaction: { action: "keep", errorCount: 2, why: "no answer" } },
      { key, iqId: "push-3", seq: 9, outcome: { kind: "error", type: "cancel", condition: "item-not-found" }, reaction: { action: "remove", errorCount: 1, why: "gone" } },
    ];
    for (const result of results) {
      expect(parseTestPushAnswer(buildIq({ type: "result", id: "t" }, buildTestPushAnswer(result)))).toEqual(result);
    }
  });

  it("says why an answer cannot be read", () => {
    expect(parseTestPushAnswer(buildIq({ type: "error", id: "t" }))).toEqual({ error: "the server answered error" });
    expect(parseTestPushAnswer(buildIq({ type: "result", id: "t" }))).toEqual({ error: "the result carries no <test-push/>" });
    const partial = el("test-push", { xmlns: NS.decisions, jid: key.jid, node: "n1", "iq-id": "p", seq: 1, "error-count": 0, action: "keep", outcome: "error" });
    expect(parseTestPushAnswer(buildIq({ type: "result", id: "t" }, partial))).toEqual({ error: "an error outcome needs error-type and condition" });
    const badAction = el("test-push", { xmlns: NS.decisions, jid: key.jid, node: "n1", "iq-id": "p", seq: 1, "error-count": 0, action: "drop", outcome: "result" });
    expect(parseTestPushAnswer(buildIq({ type: "result", id: "t" }, badAction))).toEqual({ error: "unknown action 'drop'" });
  });
});
