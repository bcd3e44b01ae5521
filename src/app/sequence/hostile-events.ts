/**
 * A session whose every untrusted string is hostile, for the exporters' escaping tests: resource
 * names, message bodies, nodes, presence statuses and decision reasons carrying markup, Mermaid
 * syntax and characters XML cannot hold.
 */
import type { LaneId, LaneInfo, TimelineEvent } from "../model";
import { EventLog } from "./test-events";

export const XSS_RESOURCE = `<img src=x onerror="alert('r')">`;
export const XSS_BODY = `</text><script>alert("b")</script>`;
export const XSS_NODE = `n"><svg onload=alert(1)>`;
export const MERMAID_BODY = `a; b # c %% d --> e -->> f <br> g {h} \`i\` $$j$$ &amp; #quot; wrap: x\nNote over server: injected`;
/** A C0 control and a lone surrogate: not even escapable in XML 1.0. */
export const XML_INVALID_BODY = `bell\u0007 and half a pair \uD83D.`;

export const HOSTILE_LANES: Record<LaneId, LaneInfo> = {
  sender: { label: `bob"; participant evil`, colour: "#000", role: "sender" },
  sink: { label: `sink%%{init: {"theme":"dark"}}%%`, colour: "#000", role: "sink" },
  "res-1": { label: XSS_RESOURCE, colour: "#000", role: "resource" },
  "res-2": { label: `end`, colour: "#000", role: "resource" },
};

export function hostileSession(): TimelineEvent[] {
  const log = new EventLog();
  log.add({ kind: "connection", lane: "res-1", status: "online", jid: `alice@localhost/${XSS_RESOURCE}`, summary: "online" });
  log.add({ kind: "presence", lane: "res-1", direction: "out", available: true, show: "away", priority: 0, status: `</tspan>${XSS_BODY}`, summary: "presence" });
  log.add({ kind: "enable", lane: "res-1", jid: "pushsvc@localhost/sink", node: XSS_NODE, away: true, publishOptions: null, outcome: "result", summary: "enable" });
  for (const body of [XSS_BODY, MERMAID_BODY, XML_INVALID_BODY]) {
    const id = `m-${body.length}`;
    const sent = log.send(id, body);
    log.decision(id, 0, "spec/online-session", `${XSS_RESOURCE} is online; ${MERMAID_BODY}`);
    log.receive("res-1", XSS_RESOURCE, id, body, sent);
  }
  const sent = log.send("m-push", MERMAID_BODY);
  log.push("push-1", MERMAID_BODY, { eventId: sent, messageId: "m-push" });
  log.add({ kind: "error", lane: "res-2", error: { code: "internal", message: XSS_BODY }, summary: `send failed: ${XSS_BODY}` });
  return log.events;
}
