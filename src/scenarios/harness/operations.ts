/**
 * What the step methods of the harness do once their turn comes: sessions (connect, presence,
 * disconnect, drop), push registrations (enable, disable, disco#info) and the sender's and sink's
 * stanzas. Each returns the step's detail line, or nothing.
 */
import type { Element } from "@xmpp/xml";
import type { Show } from "../../protocol/policy/types";
import { buildDiscoInfoQuery, parseDiscoInfo } from "../../protocol/stanzas/disco";
import { buildChatMessage } from "../../protocol/stanzas/message";
import { buildPresence } from "../../protocol/stanzas/presence";
import { buildRemoteDisable } from "../../protocol/stanzas/push";
import { childElements } from "../../protocol/stanzas/xml-util";
import type { XmppClient } from "../../xmpp-client/client";
import type { IqOutcome, SentMessage } from "../types";
import { sleep } from "../wait";
import type { HarnessContext } from "./context";
import { describeIq } from "./describe";
import { errorMessage, HarnessStepError } from "./errors";
import { disableIq, enableIq, newIq, requestIq } from "./iq";
import type { ResolvedTarget } from "./iq";
import { randomHex } from "./labels";
import type { DisableStepOptions, EnableStepOptions, PresenceOptions, SendOptions } from "./options";

export async function connectAccount(ctx: HarnessContext, resource: string, streamManagement: boolean): Promise<string | undefined> {
  const party = await ctx.sessions.connectAccount(resource, streamManagement);
  if (!streamManagement) return party.info.jid ?? undefined;
  // <enabled/> may follow `online`; the server answers <enable/> before this ping.
  await ctx.sessions.barrier(party);
  const state = party.xmpp.smState();
  const sm = state.enabled ? (state.resumable ? `enabled, resumable for ${state.max ?? "?"} s` : "enabled, not resumable") : "not offered";
  return `${party.info.jid ?? ""}; XEP-0198 ${sm}`;
}

/** Sends presence, then waits until the server has processed it (an iq round trip on the same stream). */
export async function sendPresence(ctx: HarnessContext, resource: string, show: Show | "available" | "unavailable", options: PresenceOptions): Promise<void> {
  const party = ctx.sessions.onlineAccount(resource);
  const stanza =
    show === "unavailable"
      ? buildPresence({ type: "unavailable" })
      : buildPresence({ show: show === "available" ? undefined : show, priority: options.priority, status: options.status });
  await party.xmpp.send(stanza);
  await ctx.sessions.barrier(party);
}

/** disco#info to `target` (default the account's bare JID); the account's own features go to `onAccountFeatures`. */
export async function discoInfo(
  ctx: HarnessContext,
  resource: string,
  target: string | undefined,
  label: string,
  onAccountFeatures: (features: string[]) => void,
): Promise<string> {
  const party = ctx.sessions.onlineAccount(resource);
  const to = target ?? ctx.sessions.account;
  const outcome = newIq(label, "disco", resource, { iqType: "get", to });
  const reply = await requestIq(party.xmpp, buildDiscoInfoQuery({ to }), outcome, ctx.waits.iqMs);
  if (reply) {
    const info = parseDiscoInfo(reply);
    if ("error" in info) ctx.log.recordError(`disco#info of ${to}: ${info.error}`);
    else {
      outcome.features = info.features;
      outcome.identities = info.identities.map((i) => ({ ...i }));
      if (to === ctx.sessions.account) onAccountFeatures([...info.features]);
    }
  }
  ctx.log.addIq(outcome);
  return describeIq(outcome);
}

export async function enablePush(ctx: HarnessContext, resource: string, options: EnableStepOptions, label: string): Promise<string> {
  const party = ctx.sessions.onlineAccount(resource);
  const { iq, request } = enableIq(options, await pushTarget(ctx, options));
  return fileRegistrationIq(ctx, party.xmpp, iq, newIq(label, "enable", resource, request));
}

export async function disablePush(ctx: HarnessContext, resource: string, options: DisableStepOptions, label: string): Promise<string> {
  const party = ctx.sessions.onlineAccount(resource);
  const { iq, request } = disableIq(options, await pushTarget(ctx, options));
  return fileRegistrationIq(ctx, party.xmpp, iq, newIq(label, "disable", resource, request));
}

/** The push service JID (the sink's, which must then be online, unless given) and the node. */
async function pushTarget(ctx: HarnessContext, options: EnableStepOptions | DisableStepOptions): Promise<ResolvedTarget> {
  if (options.jid === undefined) await ctx.sessions.ensureSink();
  const jid = options.jid === undefined ? ctx.sessions.sinkJid : options.jid;
  return { jid, ...ctx.nodes.resolve(options) };
}

async function fileRegistrationIq(ctx: HarnessContext, xmpp: XmppClient, iq: Element, outcome: IqOutcome): Promise<string> {
  const reply = await requestIq(xmpp, iq, outcome, ctx.waits.iqMs);
  if (reply) outcome.resultChildren = childElements(reply).length;
  ctx.log.addIq(outcome);
  return describeIq(outcome);
}

/** Closes the stream cleanly (`</close>`): the session is gone, with no resumption. */
export async function disconnect(ctx: HarnessContext, resource: string): Promise<void> {
  await ctx.sessions.stop(ctx.sessions.onlineAccount(resource));
  await sleep(ctx.waits.settleMs);
}

/** The app is killed: the transport is dropped without `</close>` (see `PushHarness.drop`). */
export async function dropSocket(ctx: HarnessContext, resource: string): Promise<string> {
  const party = ctx.sessions.onlineAccount(resource);
  // Read everything the server still has in flight first (the round trip, then its trailing
  // <r/>): a socket destroyed with unread bytes is reset (RST) rather than closed (FIN), and
  // ejabberd 23.01 then sometimes never notices the drop (no pending state, no push; seen once
  // in ~10 real runs of C26: no transition_to_pending in its log), while a FIN always hibernates.
  await ctx.sessions.barrier(party);
  await sleep(ctx.waits.settleMs);
  const resumable = party.xmpp.smState().resumable;
  await party.xmpp.killSocket({ timeoutMs: ctx.waits.iqMs }).catch((error: unknown) => {
    throw new HarnessStepError(`${resource}: ${errorMessage(error)}`);
  });
  party.hibernated = resumable;
  ctx.sessions.setState(party, "closed");
  await sleep(ctx.waits.settleMs);
  return resumable ? "resumable: the server hibernates the session" : "not resumable: the session ends";
}

/**
 * The killed app comes back: XEP-0198 `<resume/>` on a new socket (see `PushHarness.resume`).
 * What the server re-sends arrives before the answer to the ping that follows, so the step's
 * deliveries are complete when it returns. A refused resumption fails the step and ends whatever
 * session the client bound instead.
 */
export async function resumeSession(ctx: HarnessContext, resource: string): Promise<string> {
  const party = ctx.sessions.hibernatedAccount(resource);
  party.hibernated = false;
  try {
    const resumed = await party.xmpp.resume({ timeoutMs: ctx.waits.iqMs });
    ctx.sessions.setState(party, "online");
    await ctx.sessions.barrier(party);
    return `resumed: the server had handled ${resumed.h} of our stanzas, we re-sent ${resumed.resent}`;
  } catch (error) {
    ctx.sessions.setState(party, "failed");
    await party.xmpp.stop().catch(() => undefined);
    throw new HarnessStepError(`${resource}: the server did not resume the session: ${errorMessage(error)}`);
  }
}

/** The resource stops answering `<r/>` (see `PushHarness.withholdAcks`). */
export async function withholdAcks(ctx: HarnessContext, resource: string): Promise<string> {
  const party = ctx.sessions.onlineAccount(resource);
  const sm = party.xmpp.streamManagement;
  if (!sm.enabled) throw new HarnessStepError(`${resource}: XEP-0198 is not enabled on its stream, so there is no <r/> to leave unanswered`);
  sm.withholdAcks = true;
  // Prepended, so that it runs while the party is still online: a close the server makes (not
  // the harness's own) leaves a session to resume and end in `close()`.
  party.xmpp.prependListener("disconnect", () => {
    if (party.info.state === "online") party.hibernated = party.xmpp.smState().resumable;
  });
  return "the server's <r/> go unanswered from now on";
}

/** B sends a message to the account, then waits until every stream has seen its immediate effects. Returns its id. */
export async function sendMessage(ctx: HarnessContext, options: SendOptions): Promise<string> {
  const to = options.to ?? "bare";
  const type = options.type ?? "chat";
  const sender = await ctx.sessions.ensureSender();
  const seq = ctx.log.sent.length + 1;
  const body = options.body === null ? undefined : (options.body ?? `message ${seq} (${randomHex(3)})`);
  const account = ctx.sessions.account;
  const address = to === "bare" ? account : `${account}/${ctx.sessions.boundResource(to)}`;
  const id = options.id ?? `m${seq}-${randomHex(4)}`;
  await sender.xmpp.send(buildChatMessage({ to: address, type, body, chatState: options.chatState, id }));
  const record: SentMessage = { seq, at: Date.now(), from: sender.info.jid ?? "", to: address, type, id };
  if (body !== undefined) record.body = body;
  if (options.chatState) record.chatState = options.chatState;
  ctx.log.addSent(record);
  await ctx.sessions.settleAfterSend(sender);
  return id;
}

/** The App Server revokes a node (XEP-0357 §9), then waits until the server has processed it. */
export async function remoteDisable(ctx: HarnessContext, nodeLabel: string): Promise<void> {
  const sink = await ctx.sessions.ensureSink();
  const account = ctx.sessions.account;
  await sink.xmpp.send(buildRemoteDisable({ from: ctx.sessions.sinkJid, to: account, node: ctx.nodes.node(nodeLabel), account }));
  await ctx.sessions.barrier(sink);
}
