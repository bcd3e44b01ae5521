/**
 * Probes the pushes a real server makes without a message being routed at that moment, and the
 * XEP-0198 timers behind them (issue 13), against the loopback Prosody and ejabberd of
 * e2e/real-servers/. It uses only the accounts carol (the device), dave (the sender) and pushsvc2
 * (the App Server sink), so it can run beside differential runs on alice/bob/pushsvc.
 *
 *   npx tsx scripts/probe-timer-pushes.ts [prosody|ejabberd|all] [--json out.json] [--emulation]
 *
 * `--emulation` runs the same probe against the reference server's `prosody.localhost` and
 * `ejabberd.localhost` (in process, 60 s resumption as in e2e/real-servers/), so both outputs can
 * be put side by side.
 *
 * - ack timing: when the server sends `<r/>` after each of three messages 400 ms apart (the
 *   client answers at once);
 * - ack overdue: the device stops answering `<r/>`, then gets one chat message: when a push comes
 *   (Prosody's smacks-ack-delayed) and when the server gives up on the socket (ejabberd's
 *   ack_timeout, which makes the session pending);
 * - hibernation window: sessions dropped with an empty queue, with and without push enabled, one
 *   that gets a chat message 3 s after the drop, one dropped with an unacknowledged chat message:
 *   which can still be resumed 75 s later (both servers resume after 60 s without push).
 * Every session it leaves is resumed and closed, every registration disabled.
 */
import type { Element } from "@xmpp/xml";
import { writeFileSync } from "node:fs";
import { NS } from "../src/protocol/ns";
import { REAL_SERVERS, isUp, selectedRealServers, type RealServer } from "../src/real-servers/realServers";
import { ReferenceServer } from "../src/server";
import { parseElement, rawSession, type RawSocket } from "../src/server/test-support/raw-socket";
import { smResume, smSession, type SmClient } from "../src/server/test-support/sm-client";

const PASSWORD = process.env.XMPP_PASS ?? "pass";
const RESUME_AFTER_MS = 75_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Publish {
  at: number;
  node: string;
  fields: Record<string, string>;
  form: boolean;
}

/** pushsvc2 playing the App Server: records each publish and answers it with a result. */
async function startSink(server: RealServer, tag: string): Promise<{ jid: string; publishes: Publish[]; socket: RawSocket }> {
  const { socket, jid } = await rawSession(server.service, { domain: server.domain, username: "pushsvc2", password: PASSWORD, resource: `sink-${tag}` });
  const publishes: Publish[] = [];
  socket.ws.on("message", (data) => {
    let el: Element;
    try {
      el = parseElement(Buffer.isBuffer(data) ? data.toString("utf8") : String(data));
    } catch {
      return;
    }
    const publish = el.is("iq") && el.attrs.type === "set" ? el.getChild("pubsub", "http://jabber.org/protocol/pubsub")?.getChild("publish") : undefined;
    if (!publish) return;
    const x = publish.getChild("item")?.getChild("notification", NS.push)?.getChild("x", "jabber:x:data");
    const fields: Record<string, string> = {};
    for (const f of x?.getChildren("field") ?? []) fields[String(f.attrs.var)] = f.getChildText("value") ?? "";
    publishes.push({ at: Date.now(), node: String(publish.attrs.node), fields, form: x !== undefined });
    socket.send(`<iq xmlns='jabber:client' type='result' id='${String(el.attrs.id)}' to='${String(el.attrs.from)}'/>`);
  });
  return { jid, publishes, socket };
}

async function device(server: RealServer, resource: string): Promise<SmClient> {
  return smSession(server.service, { domain: server.domain, username: "carol", password: PASSWORD, resource });
}

async function enablePush(client: SmClient, sinkJid: string, node: string): Promise<void> {
  const id = `en-${node}`;
  client.socket.send(`<iq xmlns='jabber:client' type='set' id='${id}'><enable xmlns='${NS.push}' jid='${sinkJid}' node='${node}'/></iq>`);
  const answer = await client.socket.waitFor((e) => e.is("iq") && e.attrs.id === id);
  if (answer.attrs.type !== "result") throw new Error(`enable ${node} failed: ${answer.toString()}`);
}

/** Lets the device answer every `<r/>` so far: its queue on the server is empty afterwards. */
async function settle(client: SmClient): Promise<void> {
  await sleep(600);
  client.ack();
  await sleep(300);
}

function chat(to: string, body: string, id: string): string {
  return `<message xmlns='jabber:client' type='chat' to='${to}' id='${id}'><body>${body}</body></message>`;
}

/** When `<r/>` arrives after each of three messages (the device acks at once). */
async function ackTiming(server: RealServer, tag: string, dave: RawSocket): Promise<Record<string, unknown>> {
  const carol = await device(server, `ack-${tag}`);
  await settle(carol);
  const frames: { at: number; what: string }[] = [];
  carol.socket.ws.on("message", (data) => {
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : String(data);
    frames.push({ at: Date.now(), what: text.startsWith("<r") ? "r" : text.startsWith("<message") ? "message" : text.slice(0, 12) });
  });
  const sent: number[] = [];
  for (let i = 0; i < 3; i++) {
    sent.push(Date.now());
    dave.send(chat(carol.jid, `t${i}`, `t${i}-${tag}`));
    await sleep(400);
  }
  await sleep(1500);
  await closeClean(carol);
  const t0 = sent[0] ?? 0;
  return {
    frames: frames.map((f) => `${f.what}@${f.at - t0}ms`),
    requestsAfterEachMessage: frames.filter((f) => f.what === "r").length,
  };
}

/** The device stops acking, then gets one chat message: pushes and the server's reaction. */
async function ackOverdue(server: RealServer, tag: string, dave: RawSocket, sink: Awaited<ReturnType<typeof startSink>>): Promise<Record<string, unknown>> {
  const node = `late-${tag}`;
  const carol = await device(server, `late-${tag}`);
  await enablePush(carol, sink.jid, node);
  await settle(carol);
  carol.autoAck = false;
  const requestsBefore = carol.requests;
  const sentAt = Date.now();
  dave.send(chat(carol.jid, "late", `late-${tag}`));
  const limit = server.name === "prosody" ? 36_000 : 68_000;
  let closedAt: number | null = null;
  void carol.socket.closed.then(() => {
    closedAt = Date.now();
  });
  while (Date.now() - sentAt < limit) await sleep(250);
  const pushes = sink.publishes.filter((p) => p.node === node).map((p) => ({ afterMs: p.at - sentAt, fields: p.fields, form: p.form }));
  const result = { requestsAfterMessage: carol.requests - requestsBefore, pushes, socketClosedAfterMs: closedAt === null ? null : closedAt - sentAt };
  if (closedAt === null) {
    carol.ack();
    await closeClean(carol);
  } else {
    await resumeAndClose(server, carol);
  }
  return result;
}

interface Dropped {
  label: string;
  client: SmClient;
  node: string | null;
}

/** Sessions dropped in different states; which can be resumed RESUME_AFTER_MS later. */
async function hibernationWindow(server: RealServer, tag: string, dave: RawSocket, sink: Awaited<ReturnType<typeof startSink>>): Promise<Record<string, unknown>> {
  const make = async (label: string, push: boolean): Promise<Dropped> => {
    const client = await device(server, `${label}-${tag}`);
    const node = push ? `${label}-${tag}` : null;
    if (node) await enablePush(client, sink.jid, node);
    await settle(client);
    return { label, client, node };
  };
  const pushEmpty = await make("push-empty", true);
  const noPush = await make("no-push", false);
  const pushThenMessage = await make("push-msg-later", true);
  const pushQueued = await make("push-queued", true);
  pushQueued.client.autoAck = false;
  dave.send(chat(pushQueued.client.jid, "queued", `queued-${tag}`));
  await sleep(300);
  const droppedAt = Date.now();
  for (const d of [pushEmpty, noPush, pushThenMessage, pushQueued]) d.client.terminate();
  await sleep(3000);
  const laterAt = Date.now();
  dave.send(chat(pushThenMessage.client.jid, "later", `later-${tag}`));
  while (Date.now() - droppedAt < RESUME_AFTER_MS) await sleep(500);
  const outcome: Record<string, unknown> = {};
  for (const d of [pushEmpty, noPush, pushThenMessage, pushQueued]) {
    const resumed = await resumeAndClose(server, d.client);
    const pushes = d.node === null ? [] : sink.publishes.filter((p) => p.node === d.node).map((p) => ({ afterDropMs: p.at - droppedAt, fields: p.fields, form: p.form }));
    outcome[d.label] = { resumedAfterMs: Date.now() - droppedAt, resumed, pushes };
  }
  outcome.messageLaterSentAfterDropMs = laterAt - droppedAt;
  return outcome;
}

async function resumeAndClose(server: RealServer, client: SmClient): Promise<string> {
  if (!client.id) return "not resumable";
  const { answer, client: resumed, socket } = await smResume(server.service, { domain: server.domain, username: "carol", password: PASSWORD, previd: client.id, h: client.h, jid: client.jid });
  if (resumed) {
    await sleep(300);
    await closeClean(resumed);
    return "resumed";
  }
  socket.close();
  return `failed: ${answer.getChildElements().map((c) => c.getName()).join(",")}`;
}

async function closeClean(client: SmClient): Promise<void> {
  client.ack();
  client.socket.send(`<close xmlns='${NS.framing}'/>`);
  await Promise.race([client.socket.closed, sleep(2000)]);
  if (!client.socket.isClosed()) client.terminate();
}

async function cleanUp(server: RealServer, sinkJid: string): Promise<void> {
  const carol = await device(server, "cleanup");
  carol.socket.send(`<iq xmlns='jabber:client' type='set' id='dis'><disable xmlns='${NS.push}' jid='${sinkJid}'/></iq>`);
  await carol.socket.waitFor((e) => e.is("iq") && e.attrs.id === "dis").catch(() => undefined);
  await closeClean(carol);
}

async function probe(server: RealServer): Promise<Record<string, unknown>> {
  const tag = Date.now().toString(36);
  const sink = await startSink(server, tag);
  const { socket: dave } = await rawSession(server.service, { domain: server.domain, username: "dave", password: PASSWORD, resource: `d-${tag}` });
  try {
    const timing = await ackTiming(server, tag, dave);
    const [overdue, window] = await Promise.all([ackOverdue(server, tag, dave, sink), hibernationWindow(server, tag, dave, sink)]);
    return { server: server.product, ackTiming: timing, ackOverdue: overdue, hibernationWindow: window };
  } finally {
    await cleanUp(server, sink.jid).catch((error: unknown) => console.error(`cleanup on ${server.name} failed:`, error));
    dave.close();
    sink.socket.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf("--json");
  const json = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  const which = args.find((a, i) => !a.startsWith("--") && i !== jsonAt + 1) ?? "all";
  const names = selectedRealServers(which === "all" ? "1" : which);
  const results: Record<string, unknown> = {};
  const emulation = args.includes("--emulation") ? new ReferenceServer({ logLevel: "silent", streamManagement: true, resumptionTimeoutMs: 60_000 }) : null;
  try {
    const url = emulation ? (await emulation.listen({ port: 0, host: "127.0.0.1" })).url : null;
    await Promise.all(
      names.map(async (name) => {
        const real = REAL_SERVERS[name];
        if (url !== null) {
          const domain = `${name}.localhost`;
          results[name] = await probe({ ...real, service: url, domain, product: `reference server, ${domain}` });
          return;
        }
        if (!(await isUp(name))) {
          results[name] = `not running (${real.startCommand})`;
          return;
        }
        results[name] = await probe(real);
      }),
    );
  } finally {
    await emulation?.close();
  }
  const text = JSON.stringify(results, null, 2);
  console.log(text);
  if (json) writeFileSync(json, `${text}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
