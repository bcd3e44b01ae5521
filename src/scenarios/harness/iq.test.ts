import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { findChild } from "../../protocol/stanzas/xml-util";
import { disableIq, enableIq, newIq, requestIq } from "./iq";
import type { XmppClient } from "../../xmpp-client/client";

const target = { jid: "pushsvc@localhost/sink", node: "node-n", nodeLabel: "N" };

/** Only the iqCaller of a client, answering with `answer`. */
function clientAnswering(answer: () => Promise<unknown>): XmppClient {
  return { iqCaller: { request: answer } } as unknown as XmppClient;
}

describe("enableIq / disableIq", () => {
  it("records the enable as sent: away attribute and publish-options form", () => {
    const { iq, request } = enableIq({ away: true, publishOptions: { secret: "s" } }, target);
    expect(iq.attrs.type).toBe("set");
    expect(request).toEqual({
      iqType: "set",
      jid: "pushsvc@localhost/sink",
      node: "node-n",
      nodeLabel: "N",
      away: "true",
      publishOptions: { type: "submit", fields: expect.arrayContaining([{ var: "secret", values: ["s"] }]) },
    });
  });

  it("leaves out jid and node when asked to, and keeps the iq type", () => {
    const { iq, request } = enableIq({ iqType: "get" }, { jid: null, node: null, nodeLabel: null });
    const enable = findChild(iq, "enable", NS.push);
    expect(enable?.attrs.jid).toBeUndefined();
    expect(enable?.attrs.node).toBeUndefined();
    expect(iq.attrs.type).toBe("get");
    expect(request).toMatchObject({ iqType: "get", jid: null, node: null, away: null, publishOptions: null });
    const disable = disableIq({}, { jid: null, node: null, nodeLabel: null });
    expect(findChild(disable.iq, "disable", NS.push)?.attrs.jid).toBeUndefined();
    expect(disable.request).toEqual({ iqType: "set", jid: null, node: null, nodeLabel: null });
  });
});

describe("requestIq", () => {
  it("fills result, stanza error and timeout outcomes", async () => {
    const ok = newIq("enable", "enable", "A2", { iqType: "set" });
    const reply = await requestIq(clientAnswering(async () => ({ name: "iq", children: [] })), enableIq({}, target).iq, ok, 100);
    expect(reply).not.toBeNull();
    expect(ok.outcome).toBe("result");

    const refused = newIq("enable#2", "enable", "A2", { iqType: "set" });
    const stanzaError = Object.assign(new Error("bad"), { name: "StanzaError", condition: "bad-request", type: "modify", text: "no jid" });
    expect(await requestIq(clientAnswering(() => Promise.reject(stanzaError)), enableIq({}, target).iq, refused, 100)).toBeNull();
    expect(refused).toMatchObject({ outcome: "error", error: { type: "modify", condition: "bad-request", text: "no jid" } });

    const late = newIq("enable#3", "enable", "A2", { iqType: "set" });
    const timeout = Object.assign(new Error("late"), { name: "TimeoutError" });
    expect(await requestIq(clientAnswering(() => Promise.reject(timeout)), enableIq({}, target).iq, late, 100)).toBeNull();
    expect(late.outcome).toBe("timeout");
  });

  it("throws anything that is not an answer (the step fails)", async () => {
    const outcome = newIq("enable", "enable", "A2", { iqType: "set" });
    await expect(requestIq(clientAnswering(() => Promise.reject(new Error("socket closed"))), enableIq({}, target).iq, outcome, 100)).rejects.toThrow("socket closed");
  });
});
