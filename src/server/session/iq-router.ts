/**
 * Iq routing and the server's own iq handlers (RFC 6120 §8.2.3, §10.5; RFC 6121 §8.5).
 *
 * - To a local domain: disco#info, disco#items, ping; a result/error there may answer one of the
 *   server's push publishes (PushModule.handleIqAnswer), otherwise it is dropped.
 * - To the sender's own bare JID (or no `to`): disco#info (account view), push enable/disable,
 *   the decision log (log-iq.ts), the test push (push/test-push.ts).
 * - To another account's bare JID: `service-unavailable` (the server does not answer for others).
 * - To a full JID: delivered to that session if it is bound, whatever the type, so App Server
 *   sinks and clients can talk; otherwise `service-unavailable` for get/set, dropped for result/error.
 * - To a domain not served here: `remote-server-not-found` (no server-to-server).
 * A get/set must carry exactly one payload element: none or several → `bad-request`; a payload no
 * handler knows → `service-unavailable`.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { IqType } from "../../protocol/policy/types";
import { buildDiscoInfoResult } from "../../protocol/stanzas/disco";
import { stanzaError } from "../../protocol/stanzas/errors";
import { iqChild, isIqType } from "../../protocol/stanzas/iq";
import { attrOf, cloneElement, el, localName, nsOf } from "../../protocol/stanzas/xml-util";
import { parseAddress, type Address } from "./address";
import { replyError, resultFor, type SessionContext } from "./context";
import { accountDiscoInfo, domainDiscoInfo } from "./disco";
import type { Host } from "./hosts";
import { answerLogIq } from "./log-iq";
import type { PushModule } from "./push/push-module";
import type { SessionRecord } from "./session-registry";

type IqHandler = (sender: SessionRecord, iq: Element, host: Host, type: IqType) => void;

/** Handlers keyed by `${type} {ns}name`. */
type HandlerTable = Map<string, IqHandler>;

function handlerKey(type: IqType, ns: string | undefined, name: string): string {
  return `${type} {${ns ?? ""}}${name}`;
}

export class IqRouter {
  private readonly domainHandlers: HandlerTable = new Map();
  private readonly accountHandlers: HandlerTable = new Map();

  constructor(
    private readonly ctx: SessionContext,
    private readonly push: PushModule,
  ) {
    this.domainHandlers.set(handlerKey("get", NS.discoInfo, "query"), (sender, iq, host) => {
      if (this.refuseNode(sender, iq)) return;
      sender.session.send(buildDiscoInfoResult(iq, domainDiscoInfo(host)));
    });
    this.domainHandlers.set(handlerKey("get", NS.discoItems, "query"), (sender, iq) => {
      if (this.refuseNode(sender, iq)) return;
      sender.session.send(resultFor(iq, el("query", { xmlns: NS.discoItems })));
    });
    this.domainHandlers.set(handlerKey("get", NS.ping, "ping"), (sender, iq) => sender.session.send(resultFor(iq)));

    this.accountHandlers.set(handlerKey("get", NS.discoInfo, "query"), (sender, iq, host) => {
      if (this.refuseNode(sender, iq)) return;
      sender.session.send(buildDiscoInfoResult(iq, accountDiscoInfo(host)));
    });
    // Both types reach the push handlers: whether `get` is acceptable is the policy's call (docs/push-semantics.md C25).
    for (const type of ["get", "set"] as const) {
      this.accountHandlers.set(handlerKey(type, NS.push, "enable"), (sender, iq, host, t) => this.push.enable(sender, iq, host, t));
      this.accountHandlers.set(handlerKey(type, NS.push, "disable"), (sender, iq, host, t) => this.push.disable(sender, iq, host, t));
    }
    this.accountHandlers.set(handlerKey("get", NS.decisions, "log"), (sender, iq) => answerLogIq(this.ctx.pushLog, sender, iq));
    this.accountHandlers.set(handlerKey("set", NS.decisions, "test-push"), (sender, iq, host) => this.push.testPush(sender, iq, host));
  }

  handle(sender: SessionRecord, iq: Element): void {
    const type = attrOf(iq, "type");
    const id = attrOf(iq, "id");
    const isRequest = type === "get" || type === "set";
    if (!isIqType(type) || id === undefined) {
      // RFC 6120 §8.2.3: `id` and a known `type` are required.
      if (type !== "error") replyError(sender, iq, { ...stanzaError("bad-request"), text: "an iq needs an id and a type of get, set, result or error" });
      return;
    }
    const toRaw = attrOf(iq, "to");
    const to = toRaw === undefined ? parseAddress(sender.session.account) : parseAddress(toRaw);
    if (!to) {
      if (isRequest) replyError(sender, iq, stanzaError("jid-malformed"));
      return;
    }
    const host = this.ctx.hosts.get(to.domain);
    if (!host) {
      if (isRequest) replyError(sender, iq, { ...stanzaError("remote-server-not-found"), text: `${to.domain} is not served here` });
      return;
    }

    if (to.resource && to.local) {
      this.toFullJid(sender, to, iq, isRequest);
      return;
    }
    if (!isRequest) {
      if (!to.local && this.push.handleIqAnswer(host.domain, iq, sender.session.jid)) return;
      this.ctx.logger.debug(`dropped iq ${type} ${id} from ${sender.session.jid} to ${to.full}: nothing waits for it`);
      return;
    }
    if (!to.local) {
      // An iq to `domain/resource` is treated as addressed to the domain itself.
      this.dispatch(this.domainHandlers, sender, iq, host, type);
    } else if (to.bare === sender.session.account) {
      this.dispatch(this.accountHandlers, sender, iq, host, type);
    } else {
      replyError(sender, iq, { ...stanzaError("service-unavailable"), text: "the server does not answer for another account" });
    }
  }

  private toFullJid(sender: SessionRecord, to: Address, iq: Element, isRequest: boolean): void {
    const target = this.ctx.sessions.byFullJid(to.bare, to.resource);
    if (target) {
      target.session.send(cloneElement(iq));
      return;
    }
    if (isRequest) replyError(sender, iq, stanzaError("service-unavailable"));
    else this.ctx.logger.debug(`dropped iq ${attrOf(iq, "type")} to ${to.full}: no such session`);
  }

  private dispatch(table: HandlerTable, sender: SessionRecord, iq: Element, host: Host, type: IqType): void {
    const payload = iqChild(iq);
    if (!payload) {
      replyError(sender, iq, { ...stanzaError("bad-request"), text: "an iq get/set carries exactly one payload element" });
      return;
    }
    const handler = table.get(handlerKey(type, nsOf(payload), localName(payload)));
    if (!handler) {
      replyError(sender, iq, stanzaError("service-unavailable"));
      return;
    }
    handler(sender, iq, host, type);
  }

  /** Node-specific disco queries: this server has no nodes. */
  private refuseNode(sender: SessionRecord, iq: Element): boolean {
    const payload = iqChild(iq);
    if (!payload || attrOf(payload, "node") === undefined) return false;
    replyError(sender, iq, stanzaError("item-not-found"));
    return true;
  }
}
