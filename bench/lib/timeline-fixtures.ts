/**
 * Realistic playground traffic for the store benchmarks: the events and console frames one push
 * round produces (message sent, delivered to two away resources, the server's decision, the push
 * publish, the sink's answer), with the occasional presence, enable, disco, disable, error and raw
 * send, serialised by the project's own stanza builders so that XML sizes match the real thing.
 * Deterministic (seeded), so runs and machines compare.
 */
import { xml } from "@xmpp/client";
import type { ConsoleFrame, LaneId, TimelineEvent } from "../../src/app/model";
import type { EventPatch } from "../../src/app/stores/timeline";
import { NS } from "../../src/protocol/ns";
import { buildDiscoInfoQuery } from "../../src/protocol/stanzas/disco";
import { buildChatMessage } from "../../src/protocol/stanzas/message";
import { buildPresence } from "../../src/protocol/stanzas/presence";
import { buildDisable, buildEnable, buildPushPublish } from "../../src/protocol/stanzas/push";

const LANES: readonly LaneId[] = ["res-1", "res-2", "res-3", "sender", "sink", "server", "playground"];

const ACCOUNT = "alice@localhost";
const SENDER = "bob@localhost/B";
const SINK = "pushsvc@localhost/sink";
const NODE = "n-5f3a9c1e77d2";

/** mulberry32: small, fast, good enough to vary message lengths reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "push notification away resource server sink registration enable disable node message offline " +
  "presence available chat stanza stream session account sender delivery latency phone laptop tablet " +
  "wherefore art thou romeo deny thy father and refuse thy name or if thou wilt not be but sworn my love"
).split(" ");

function sentence(rand: () => number, minWords: number, maxWords: number): string {
  const n = minWords + Math.floor(rand() * (maxWords - minWords + 1));
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  return words.join(" ");
}

const DISCO_FEATURES = [
  "http://jabber.org/protocol/disco#info",
  "http://jabber.org/protocol/disco#items",
  "urn:xmpp:ping",
  "jabber:iq:version",
  "urn:xmpp:time",
  "urn:xmpp:carbons:2",
  "urn:xmpp:mam:2",
  "urn:xmpp:sid:0",
  NS.push,
  NS.pushAway,
  "msgoffline",
  "vcard-temp",
];

function discoResultXml(id: string): string {
  return xml(
    "iq",
    { type: "result", id, from: ACCOUNT, to: `${ACCOUNT}/res-1` },
    xml(
      "query",
      { xmlns: NS.discoInfo },
      xml("identity", { category: "account", type: "registered" }),
      xml("identity", { category: "pubsub", type: "pep" }),
      ...DISCO_FEATURES.map((f) => xml("feature", { var: f })),
    ),
  ).toString();
}

export interface TimelineFixture {
  /** In arrival order (decisions from the server log arrive a little after the push they explain). */
  events: TimelineEvent[];
  /** Patches as the playground makes them (receipts and push links on message-sent events), keyed by the arrival index they follow. */
  patchesAfter: Map<number, EventPatch[]>;
  patchCount: number;
  /** Bytes of all `xml` fields (UTF-16 length, roughly the export's share of XML). */
  xmlChars: number;
  /** A message id that occurs in exactly one message cycle (for a selective search). */
  rareNeedle: string;
}

/** `count` timeline events starting at `startAt` (epoch ms), about 0.25 ms apart. */
export function buildTimelineFixture(count: number, seed = 42, startAt = Date.UTC(2026, 0, 15, 9, 0, 0)): TimelineFixture {
  const rand = prng(seed);
  const events: TimelineEvent[] = [];
  const patchesAfter = new Map<number, EventPatch[]>();
  let patchCount = 0;
  let at = startAt;
  let seq = 0;
  let cycle = 0;
  const id = (prefix: string) => `${prefix}-${++seq}`;
  const addPatch = (p: EventPatch) => {
    const list = patchesAfter.get(events.length - 1);
    if (list) list.push(p);
    else patchesAfter.set(events.length - 1, [p]);
    patchCount += 1;
  };
  const push = (e: TimelineEvent) => {
    if (events.length < count) events.push(e);
  };
  let rareNeedle = "";

  while (events.length < count) {
    cycle += 1;
    at += 0.25 + rand() * 2;
    const messageId = `m-${cycle}-${Math.floor(rand() * 0xffff).toString(16)}`;
    if (cycle === Math.floor(count / 12)) rareNeedle = messageId;
    const body = sentence(rand, 3, 24);

    // Every 200 rounds: a resource reconnects, asks disco and (re-)enables; now and then disables.
    if (cycle % 200 === 1) {
      const lane = LANES[cycle % 3]!;
      push({ id: id("e"), at, lane, kind: "connection", status: "online", jid: `${ACCOUNT}/${lane}`, summary: `${lane} online as ${ACCOUNT}/${lane}` });
      const discoId = `disco-${cycle}`;
      push({
        id: id("e"), at: at + 0.1, lane, kind: "disco", target: "account", jid: ACCOUNT, outcome: "result",
        identities: [{ category: "account", type: "registered" }], features: DISCO_FEATURES,
        summary: `${lane} disco#info ${ACCOUNT}: ${DISCO_FEATURES.length} features, push and push-away supported`,
        xml: `${buildDiscoInfoQuery({ to: ACCOUNT }).toString()}\n${discoResultXml(discoId)}`,
      });
      push({
        id: id("e"), at: at + 0.2, lane, kind: "enable", jid: SINK, node: NODE, away: true,
        publishOptions: { type: "submit", fields: [{ var: "secret", values: ["eruio234vzxc2kla-91"] }] }, outcome: "result",
        summary: `${lane} enabled push to ${SINK} node ${NODE} (away=true): result`,
        xml: buildEnable({ jid: SINK, node: NODE, away: true, publishOptions: { secret: "eruio234vzxc2kla-91" }, id: `en-${cycle}` }).toString(),
      });
      if (cycle % 1000 === 1) {
        push({
          id: id("e"), at: at + 0.3, lane, kind: "disable", jid: SINK, node: "n-old", outcome: "result",
          summary: `${lane} disabled ${SINK} node n-old: result`, xml: buildDisable({ jid: SINK, node: "n-old", id: `dis-${cycle}` }).toString(),
        });
      }
      at += 1;
    }
    if (cycle % 40 === 7) {
      const lane = cycle % 80 === 7 ? "res-2" : "res-3";
      push({
        id: id("e"), at, lane, kind: "presence", direction: "out", available: true, show: "away", priority: 0,
        status: "on the train", summary: `${lane} sent presence: away, priority 0, 'on the train'`,
        xml: buildPresence({ show: "away", priority: 0, status: "on the train" }).toString(),
      });
      at += 0.2;
    }
    if (cycle % 500 === 250) {
      push({
        id: id("e"), at, lane: "res-1", kind: "error", operation: "enable",
        error: { code: "stanza-error", message: "enable failed: the server answered not-allowed", condition: "not-allowed", type: "cancel" },
        summary: "enable failed: the server answered not-allowed",
        xml: `<iq type="error" id="en-x${cycle}"><error type="cancel"><not-allowed xmlns="${NS.stanzaErrors}"/></error></iq>`,
      });
      push({ id: id("e"), at: at + 0.1, lane: "sender", kind: "raw-send", element: "message", summary: "sender sent raw <message type='chat' to='alice@localhost'>", xml: buildChatMessage({ to: ACCOUNT, body: "raw", id: `raw-${cycle}` }).toString() });
    }

    // The push round itself.
    const sentId = id("e");
    push({
      id: sentId, at, lane: "sender", kind: "message-sent", messageId, from: SENDER, to: ACCOUNT, sendKind: "chat", messageType: "chat",
      body, receivedBy: [], pushEventIds: [], summary: `sender → ${ACCOUNT}: chat "${body.slice(0, 60)}"`,
      xml: buildChatMessage({ to: ACCOUNT, body, id: messageId }).toString(),
    });
    for (const lane of ["res-2", "res-3"]) {
      const recvAt = at + 0.4 + rand();
      const stanza = buildChatMessage({ to: `${ACCOUNT}/${lane}`, body, id: messageId });
      stanza.attrs.from = SENDER;
      stanza.append(xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: ACCOUNT, id: `sid-${cycle}-${lane}` }));
      push({
        id: id("e"), at: recvAt, lane, kind: "message-received", messageId, from: SENDER, to: `${ACCOUNT}/${lane}`, messageType: "chat",
        body, delayed: false, causeEventId: sentId, summary: `${lane} ← ${SENDER}: chat "${body.slice(0, 60)}"`, xml: stanza.toString(),
      });
      addPatch({ id: sentId, apply: (e) => (e.kind === "message-sent" ? { ...e, receivedBy: [...e.receivedBy, lane] } : e) });
    }
    const pushId = id("e");
    const iqId = `push-${cycle}`;
    const publish = buildPushPublish({
      id: iqId, from: "localhost", to: SINK, node: NODE,
      summary: { messageCount: 1 + (cycle % 7), lastMessageSender: SENDER, lastMessageBody: body },
      publishOptions: { type: "submit", fields: [{ var: "secret", values: ["eruio234vzxc2kla-91"] }] },
    });
    push({
      id: pushId, at: at + 2 + rand(), lane: "sink", kind: "push", iqId, from: "localhost", node: NODE,
      notification: { formType: "submit", messageCount: 1 + (cycle % 7), lastMessageSender: SENDER, lastMessageBody: body, otherFields: [] },
      publishOptions: { type: "submit", fields: [{ var: "secret", values: ["eruio234vzxc2kla-91"] }] }, answer: { kind: "result" },
      causeMessageId: messageId, causeEventId: sentId, linkMethod: "server log", linkDetail: "spec rule 2: all receiving sessions away",
      summary: `push ${iqId} for node ${NODE}: 1 message from ${SENDER}`, xml: publish.toString(),
    });
    addPatch({ id: sentId, apply: (e) => (e.kind === "message-sent" ? { ...e, pushEventIds: [...e.pushEventIds, pushId] } : e) });
    push({
      id: id("e"), at: at + 2.5 + rand(), lane: "sink", kind: "sink-answer", iqId, pushEventId: pushId, answer: { kind: "result" },
      summary: `sink answered push ${iqId} with result`, xml: `<iq type="result" id="${iqId}" to="localhost"/>`,
    });
    // The server log is fetched after the fact: the decision is stamped earlier than the push it explains.
    push({
      id: id("e"), at: at + 0.3, lane: "server", kind: "decision", seq: cycle, logKind: "message", rule: "spec-2", messageId,
      reason: "receiving sessions exist, all away: away registrations pushed",
      summary: `spec: push to 1 registration for message ${messageId}: receiving sessions exist, all away`,
    });
    at += 3;
  }
  let xmlChars = 0;
  for (const e of events) xmlChars += e.xml?.length ?? 0;
  return { events, patchesAfter, patchCount, xmlChars, rareNeedle };
}

export interface RawFrame {
  at: number;
  lane: LaneId;
  direction: "in" | "out";
  text: string;
}

/**
 * `count` raw WebSocket frames as the sessions capture them (before classification), about a
 * third of them XEP-0198 `<r/>`/`<a/>` nonzas, which the console hides by default.
 */
export function buildRawFrames(count: number, seed = 7, startAt = Date.UTC(2026, 0, 15, 9, 0, 0)): RawFrame[] {
  const rand = prng(seed);
  const frames: RawFrame[] = [];
  let at = startAt;
  let h = 0;
  let round = 0;
  const add = (lane: LaneId, direction: "in" | "out", text: string) => {
    if (frames.length < count) frames.push({ at: (at += 0.1 + rand()), lane, direction, text });
  };
  while (frames.length < count) {
    round += 1;
    const body = sentence(rand, 3, 24);
    const messageId = `m-${round}`;
    add("sender", "out", buildChatMessage({ to: ACCOUNT, body, id: messageId }).toString());
    for (const lane of ["res-2", "res-3"]) {
      const stanza = buildChatMessage({ to: `${ACCOUNT}/${lane}`, body, id: messageId });
      stanza.attrs.from = SENDER;
      add(lane, "in", stanza.toString());
      add(lane, "in", `<r xmlns="${NS.sm}"/>`);
      add(lane, "out", `<a xmlns="${NS.sm}" h="${++h}"/>`);
    }
    const iqId = `push-${round}`;
    add("sink", "in", buildPushPublish({ id: iqId, from: "localhost", to: SINK, node: NODE, summary: { messageCount: 1, lastMessageSender: SENDER, lastMessageBody: body }, publishOptions: null }).toString());
    add("sink", "out", `<iq type="result" id="${iqId}" to="localhost" xmlns="jabber:client"/>`);
    if (round % 20 === 0) {
      add("res-2", "out", buildPresence({ show: "away", priority: 0 }).toString());
      add("res-2", "out", `<iq type="get" id="ping-${round}" to="localhost" xmlns="jabber:client"><ping xmlns="${NS.ping}"/></iq>`);
      add("res-2", "in", `<iq type="result" id="ping-${round}" from="localhost" to="${ACCOUNT}/res-2" xmlns="jabber:client"/>`);
    }
  }
  return frames;
}

export function toConsoleFrames(raw: readonly RawFrame[], classify: (text: string) => ConsoleFrame["kind"]): ConsoleFrame[] {
  return raw.map((f, i) => ({ id: `f-${i + 1}`, at: f.at, lane: f.lane, direction: f.direction, kind: classify(f.text), text: f.text }));
}
