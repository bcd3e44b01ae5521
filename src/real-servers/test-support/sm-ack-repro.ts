/**
 * Reproduces xmpp.js 0.14's stream-management (XEP-0198) ack miscount against the real servers
 * (docs/push-semantics.md §E) and prints what it observes. It does not fix anything.
 *
 *   e2e/real-servers/servers.sh start     # as root
 *   npx tsx src/real-servers/test-support/sm-ack-repro.ts [prosody|ejabberd|all]
 *
 * Part 1, clean stop after receiving messages (twice per server, fresh resource and node each):
 *   alice/phone connects, waits for `<enabled/>`, sends available presence, enables push to the
 *   sink (one iq request), receives three chat messages from bob and closes cleanly with `stop()`
 *   (`<a h=…/>`, then `</close>`). Then alice/laptop comes online and collects whatever the server
 *   delivers from offline storage, while the sink records any push.
 *   - "as is": xmpp.js reports its own count in the closing `<a h/>`;
 *   - "corrected": right before `stop()` the counter is set to the number of stanzas the phone
 *     really received after `<enabled/>` (a demonstration of the cause, not a fix).
 * Part 2, presence sent right after `start()` (what any app does): alice/tablet sends presence
 *   as soon as it is online, makes one iq request and idles while the server asks for acks.
 *
 * Cause 1 (part 1; node_modules/@xmpp/stream-management/index.js, @xmpp/iq/caller.js,
 * @xmpp/client/index.js): the SM module counts inbound stanzas in an incoming middleware
 * (`sm.inbound += 1` for message/presence/iq). @xmpp/client sets up iqCaller before
 * streamManagement, so iqCaller's `_route` middleware runs first, and for an iq result/error that
 * answers one of its own pending requests it resolves the request and returns WITHOUT calling
 * `next()`. Those replies never reach the SM counter: every `iqCaller.request()` answered after
 * `<enabled/>` makes `h` one too low for the rest of the stream, so the server believes its last
 * stanza(s) were never handled and, on a clean close, treats them as undelivered.
 *
 * Cause 2 (part 2; same file, `enabled()` and stream-feature.js): on SASL1 servers `start()`
 * resolves before `<enabled/>` arrives. The counter is reset (`sm.inbound = 0`) in `enabled()`,
 * which runs only after `await promiseEnable`, i.e. in a microtask after the whole network read
 * that carried `<enabled/>` has been parsed. When the server writes `<enabled/>`, the reply to the
 * app's first stanza and an `<r/>` in one batch (Prosody does), the reply is counted, the `<r/>`
 * is answered with `h=1`, and then the counter drops back to 0: the next `<a/>` goes backwards.
 */
import "../../test-setup/node-websocket";
import type { Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { buildDiscoInfoQuery } from "../../protocol/stanzas/disco";
import { buildChatMessage } from "../../protocol/stanzas/message";
import { buildPresence } from "../../protocol/stanzas/presence";
import { buildDisable, buildEnable, isParseFailure, parsePushPublish } from "../../protocol/stanzas/push";
import { findChild, textOf } from "../../protocol/stanzas/xml-util";
import { connectClient, errorsOf, stopQuietly } from "../../server/test-support/client";
import { REAL_SERVERS, isUp, selectedRealServers } from "../realServers";
import type { RealServer, RealServerName } from "../realServers";

const MESSAGES = 3;
/** How long to watch for pushes after the clean close, and for offline delivery to the laptop. */
const WATCH_MS = 1500;

interface StanzaCounter {
  /** Stanzas (message/presence/iq) received after `<enabled/>`: what the server counts as sent. */
  received: number;
  /** Of those, iq result/error replies to the phone's own requests. */
  iqReplies: number;
  /** `h` of every `<a/>` the phone sent, in order. */
  acksSent: number[];
  /** Whether the phone saw `<enabled/>` at all. */
  smEnabled: boolean;
  /** What those stanzas were, in order (`message/chat`, `presence`, `iq/result`, …). */
  kinds: string[];
}

interface Delivery {
  body: string;
  delayed: boolean;
  delayFrom: string | undefined;
}

interface RunResult {
  label: string;
  clientCount: number;
  trueCount: number;
  iqReplies: number;
  kinds: string[];
  closingAck: number | undefined;
  phoneErrors: string[];
  phoneStatusAfterStop: string;
  pushesAfterClose: string[];
  redelivered: Delivery[];
}

const rand = (): string => globalThis.crypto.randomUUID().slice(0, 8);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

function isStanza(el: Element): boolean {
  return el.name === "message" || el.name === "presence" || el.name === "iq";
}

/** Counts, independently of xmpp.js, what the server's XEP-0198 `h` for this stream should be. */
function watchStanzas(xmpp: Client, pendingIds: Set<string>): StanzaCounter {
  const counter: StanzaCounter = { received: 0, iqReplies: 0, acksSent: [], smEnabled: false, kinds: [] };
  xmpp.on("element", (el: Element) => {
    if (el.is("enabled", NS.sm)) {
      counter.smEnabled = true;
      counter.received = 0;
      counter.kinds = [];
      return;
    }
    if (!counter.smEnabled || !isStanza(el)) return;
    counter.received += 1;
    const type = el.attrs.type as string | undefined;
    counter.kinds.push(type ? `${el.name}/${type}` : el.name);
    if (el.name === "iq" && (type === "result" || type === "error") && pendingIds.has(el.attrs.id as string)) {
      counter.iqReplies += 1;
    }
  });
  xmpp.on("send", (el: Element) => {
    if (el.is("a", NS.sm)) counter.acksSent.push(Number(el.attrs.h));
  });
  return counter;
}

function deliveryOf(message: Element): Delivery | null {
  const body = findChild(message, "body", NS.client);
  if (!body) return null;
  const delay = findChild(message, "delay", NS.delay);
  return { body: textOf(body), delayed: delay !== undefined, delayFrom: delay?.attrs.from as string | undefined };
}

async function runOnce(server: RealServer, label: string, correct: boolean, bob: Client, publishes: { node: string; at: number; summary: string }[]): Promise<RunResult> {
  const { alice } = server.accounts;
  const tag = `${label}-${rand()}`;
  const node = `sm-repro-${tag}`;
  const connect = (resource: string): Promise<Client> =>
    connectClient({ url: server.service, domain: server.domain, username: alice.username, password: alice.password, resource, mechanism: "PLAIN" });

  // ---- the phone: SM on, presence, one iq request, three messages, clean close
  const phone = await connect(`phone-${tag}`);
  const pendingIds = new Set<string>();
  const counter = watchStanzas(phone, pendingIds);
  // xmpp.js resolves start() before <enabled/> on SASL1 servers (seen with xmpp.js 0.14.0).
  await waitUntil(() => phone.streamManagement.enabled, 5000, "stream management <enabled/>");
  await phone.send(buildPresence());

  const enable = buildEnable({ jid: server.sinkJid, node, id: `enable-${tag}` });
  pendingIds.add(enable.attrs.id as string);
  const enabled = await phone.iqCaller.request(enable, 5000);
  if (enabled.attrs.type !== "result") throw new Error(`enable failed: ${enabled.toString()}`);

  const received: Delivery[] = [];
  phone.on("stanza", (stanza: Element) => {
    const d = stanza.is("message") ? deliveryOf(stanza) : null;
    if (d) received.push(d);
  });
  const bodies = Array.from({ length: MESSAGES }, (_, i) => `${tag} message ${i + 1}`);
  for (const body of bodies) await bob.send(buildChatMessage({ to: alice.jid, body }));
  await waitUntil(() => bodies.every((b) => received.some((r) => r.body === b)), 5000, "the phone to receive bob's messages");
  // Let the server's own <r/> (if any) come and go; it does not change the outcome.
  await sleep(300);

  const clientCount = phone.streamManagement.inbound;
  const trueCount = counter.received;
  if (correct) phone.streamManagement.inbound = trueCount;

  const stopAt = Date.now();
  await phone.stop();
  const closingAck = counter.acksSent.at(-1);
  const phoneStatusAfterStop = phone.status;

  // ---- the laptop: comes online afterwards and sees what the server kept for alice
  await sleep(WATCH_MS);
  const pushesAfterClose = publishes.filter((p) => p.node === node && p.at >= stopAt).map((p) => p.summary);
  const laptop = await connect(`laptop-${tag}`);
  const redelivered: Delivery[] = [];
  laptop.on("stanza", (stanza: Element) => {
    const d = stanza.is("message") ? deliveryOf(stanza) : null;
    if (d && d.body.startsWith(tag)) redelivered.push(d);
  });
  // Waiting for <enabled/> first keeps cause 2 (part 2) out of this part.
  await waitUntil(() => laptop.streamManagement.enabled, 5000, "stream management <enabled/>");
  await laptop.send(buildPresence());
  await sleep(WATCH_MS);
  await laptop.iqCaller.request(buildDisable({ jid: server.sinkJid, node }), 5000).catch(() => undefined);
  // The laptop's own count is one short now (the disable reply), but its last stanza is that iq
  // result, which servers drop rather than store: the next run starts clean.
  await stopQuietly(laptop);

  return {
    label,
    clientCount,
    trueCount,
    iqReplies: counter.iqReplies,
    kinds: counter.kinds,
    closingAck,
    phoneErrors: errorsOf(phone).map((e) => `${e.name}: ${e.message}`),
    phoneStatusAfterStop,
    pushesAfterClose,
    redelivered,
  };
}

/** `presence, iq/result, message/chat ×3` */
function summarizeKinds(kinds: string[]): string {
  const runs: { kind: string; n: number }[] = [];
  for (const kind of kinds) {
    const last = runs.at(-1);
    if (last && last.kind === kind) last.n += 1;
    else runs.push({ kind, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.kind} ×${r.n}` : r.kind)).join(", ");
}

function report(server: RealServer, r: RunResult): void {
  const short = r.trueCount - r.clientCount;
  console.log(`  [${r.label}]`);
  console.log(`    stanzas received after <enabled/>: ${r.trueCount}: ${summarizeKinds(r.kinds)} (${r.iqReplies} of them iq replies to the phone's own requests)`);
  console.log(`    xmpp.js streamManagement.inbound:  ${r.clientCount}${short !== 0 ? `  -> ${short} short` : "  (correct)"}`);
  console.log(`    closing <a h='${r.closingAck ?? "none sent"}'/>, then </close>; phone status after stop(): ${r.phoneStatusAfterStop}`);
  console.log(`    phone errors: ${r.phoneErrors.length === 0 ? "none (the stream was not killed)" : r.phoneErrors.join("; ")}`);
  console.log(`    pushes to ${server.sinkJid} for this node within ${WATCH_MS} ms after the clean close: ${r.pushesAfterClose.length}${r.pushesAfterClose.length ? ` (${r.pushesAfterClose.join(" | ")})` : ""}`);
  if (r.redelivered.length === 0) {
    console.log("    delivered again to alice/laptop from offline storage: nothing");
  } else {
    for (const d of r.redelivered) {
      console.log(`    delivered again to alice/laptop: "${d.body}"${d.delayed ? ` with <delay from='${d.delayFrom ?? ""}'/>` : " (no <delay/>)"}`);
    }
  }
}

interface PromptPresenceResult {
  acksSent: number[];
  trueCount: number;
  clientCount: number;
  errors: string[];
  status: string;
}

/** Part 2: presence right after start(), one iq request, then the server's ack requests. */
async function promptPresence(server: RealServer): Promise<PromptPresenceResult> {
  const { alice } = server.accounts;
  const tablet = await connectClient({ url: server.service, domain: server.domain, username: alice.username, password: alice.password, resource: `tablet-${rand()}`, mechanism: "PLAIN" });
  const counter = watchStanzas(tablet, new Set());
  try {
    await tablet.send(buildPresence());
    await waitUntil(() => tablet.streamManagement.enabled, 5000, "stream management <enabled/>");
    await sleep(300);
    await tablet.iqCaller.request(buildDiscoInfoQuery({ to: alice.jid }), 5000).catch(() => undefined);
    // Servers ask for an ack soon after they send a stanza; give them time to react to the answer.
    await sleep(WATCH_MS);
    return {
      acksSent: [...counter.acksSent],
      trueCount: counter.received,
      clientCount: tablet.streamManagement.inbound,
      errors: errorsOf(tablet).map((e) => `${e.name}${"condition" in e ? ` ${String((e as { condition: unknown }).condition)}` : ""}: ${e.message}`),
      status: tablet.status,
    };
  } finally {
    await stopQuietly(tablet);
  }
}

function reportPromptPresence(r: PromptPresenceResult): void {
  const backwards = r.acksSent.some((h, i) => i > 0 && h < (r.acksSent[i - 1] ?? 0));
  console.log("  [presence right after start()]");
  console.log(`    <a h/> sent, in order: ${r.acksSent.length ? r.acksSent.join(", ") : "none"}${backwards ? "  -> the count went BACKWARDS" : ""}`);
  console.log(`    stanzas received after <enabled/>: ${r.trueCount}; xmpp.js streamManagement.inbound: ${r.clientCount}`);
  console.log(
    `    ${r.errors.length ? `stream killed by the server: ${r.errors.join("; ")}` : "no stream error"}; status after ${WATCH_MS} ms: ${r.status}`,
  );
}

async function reproduce(name: RealServerName): Promise<{ stops: RunResult[]; prompt: PromptPresenceResult } | null> {
  const server = REAL_SERVERS[name];
  console.log(`\n== ${server.product} at ${server.service}`);
  if (!(await isUp(name))) {
    console.log(`  not answering: start it with \`${server.startCommand}\``);
    return null;
  }
  const sink = await connectClient({ url: server.service, domain: server.domain, username: server.accounts.pushsvc.username, password: server.accounts.pushsvc.password, resource: "sink", mechanism: "PLAIN" });
  const bob = await connectClient({ url: server.service, domain: server.domain, username: server.accounts.bob.username, password: server.accounts.bob.password, resource: `sender-${rand()}`, mechanism: "PLAIN" });
  const publishes: { node: string; at: number; summary: string }[] = [];
  sink.iqCallee.set(NS.pubsub, "pubsub", (ctx) => {
    const parsed = parsePushPublish(ctx.stanza as Element);
    if (!isParseFailure(parsed)) {
      const s = parsed.summary;
      const summary = s
        ? `count=${s.messageCount ?? "-"} body=${s.lastMessageBody === undefined ? "-" : JSON.stringify(s.lastMessageBody)}`
        : "no summary form";
      publishes.push({ node: parsed.node, at: Date.now(), summary });
    }
    return true;
  });
  try {
    const results: RunResult[] = [];
    for (const [label, correct] of [["as is", false], ["corrected", true]] as const) {
      const result = await runOnce(server, label, correct, bob, publishes);
      report(server, result);
      results.push(result);
    }
    const prompt = await promptPresence(server);
    reportPromptPresence(prompt);
    return { stops: results, prompt };
  } finally {
    await stopQuietly(bob);
    await stopQuietly(sink);
  }
}

async function main(): Promise<void> {
  const arg = process.argv[2] ?? "all";
  const names = selectedRealServers(arg);
  if (names.length === 0) throw new Error(`usage: sm-ack-repro.ts [prosody|ejabberd|all]`);
  let redelivering = 0;
  let killing = 0;
  let checked = 0;
  for (const name of names) {
    const results = await reproduce(name);
    if (!results) continue;
    checked += 1;
    const [asIs, corrected] = results.stops;
    if (asIs && corrected && asIs.redelivered.length > 0 && corrected.redelivered.length === 0) redelivering += 1;
    if (results.prompt.errors.length > 0) killing += 1;
  }
  if (checked === 0) {
    console.log("\nno server reachable");
    process.exitCode = 2;
    return;
  }
  console.log(`\n${redelivering} of ${checked} server(s): a clean stop() re-delivers the last message (the corrected count does not)`);
  console.log(`${killing} of ${checked} server(s): killed the stream of a session that sent presence right after start()`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
