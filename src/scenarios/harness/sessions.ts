/**
 * The harness's XMPP sessions: the account's resources (A1, A2, …), the sender B and the sink S,
 * each an xmpp.js client of our own (src/xmpp-client). Logs them in, routes what they receive,
 * proves with ping round trips that the server has processed what was sent, and ends them.
 */
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { createXmppClient } from "../../xmpp-client/client";
import type { XmppClient } from "../../xmpp-client/client";
import type { PartyInfo, Role } from "../types";
import { errorMessage, errorName, HarnessStepError, withTimeout } from "./errors";
import { randomHex } from "./labels";
import type { ObservationLog } from "./observations";
import type { Credentials, HarnessWaits, Mechanism, PushHarnessOptions } from "./options";
import type { PublishReply } from "./sink";

export interface Party {
  role: Role;
  resource: string;
  username: string;
  password: string;
  domain: string;
  xmpp: XmppClient;
  info: PartyInfo;
  /** Dropped by `drop` while XEP-0198 resumption was granted: the server hibernates the session. */
  hibernated: boolean;
}

/** Where the sessions hand over what they receive. */
export interface SessionHandlers {
  onStanza(party: Party, stanza: Element): void;
  /** A publish iq at the sink; the reply is sent back to the server. */
  onPublish(stanza: Element): PublishReply;
}

export class Sessions {
  /**
   * Whether the server offered XEP-0198 in the stream features of an account session that asked
   * for stream management (null until such a session logged in).
   */
  streamManagementOffered: boolean | null = null;
  private readonly accounts = new Map<string, Party>();
  private sender: Party | null = null;
  private sink: Party | null = null;

  constructor(
    private readonly options: PushHarnessOptions,
    private readonly waits: HarnessWaits,
    private readonly log: ObservationLog,
    private readonly handlers: SessionHandlers,
  ) {}

  get accountDomain(): string {
    return this.options.account.domain ?? this.options.domain;
  }

  /** The account's bare JID. */
  get account(): string {
    return `${this.options.account.username}@${this.accountDomain}`;
  }

  /** The sink's full JID as bound (or as configured before it is online). */
  get sinkJid(): string {
    const sink = this.options.sink;
    return this.sink?.info.jid ?? `${sink.username}@${sink.domain ?? this.options.domain}/${sink.resource}`;
  }

  /** The sink's full JID once it logged in, null before. */
  get boundSinkJid(): string | null {
    return this.sink?.info.jid ?? null;
  }

  /** The sender's full JID once online, null before. */
  get senderJid(): string | null {
    return this.sender?.info.jid ?? null;
  }

  /** Full JID of a connected account resource. */
  jidOf(resource: string): string | null {
    return this.accounts.get(resource)?.info.jid ?? null;
  }

  all(): Party[] {
    return [...this.accounts.values(), this.sender, this.sink].filter((p): p is Party => p !== null);
  }

  /** The XMPP resource an account label binds as. */
  boundResource(label: string): string {
    return `${label}${this.options.resourceSuffix ?? ""}`;
  }

  /** Logs in an account resource; refuses a resource that is online already. */
  async connectAccount(resource: string, streamManagement: boolean): Promise<Party> {
    const existing = this.accounts.get(resource);
    if (existing && existing.info.state === "online") throw new HarnessStepError(`${resource} is already connected`);
    const party = await this.open("account", this.options.account, resource, streamManagement);
    this.accounts.set(resource, party);
    return party;
  }

  onlineAccount(resource: string): Party {
    const party = this.accounts.get(resource);
    if (!party || party.info.state !== "online") throw new HarnessStepError(`${resource} is not connected`);
    return party;
  }

  /** An account resource whose socket `drop` killed while XEP-0198 resumption was granted. */
  hibernatedAccount(resource: string): Party {
    const party = this.accounts.get(resource);
    if (!party?.hibernated) {
      const why = !party ? "was never connected" : party.info.state === "online" ? "is connected (drop it first)" : "has no resumable session (its socket was not dropped with XEP-0198 resumption)";
      throw new HarnessStepError(`${resource} cannot resume: it ${why}`);
    }
    return party;
  }

  async ensureSender(): Promise<Party> {
    if (this.sender?.info.state === "online") return this.sender;
    this.sender = await this.open("sender", this.options.sender, this.options.sender.resource ?? "B");
    return this.sender;
  }

  async ensureSink(): Promise<Party> {
    if (this.sink?.info.state === "online") return this.sink;
    this.sink = await this.open("sink", this.options.sink, this.options.sink.resource);
    return this.sink;
  }

  setState(party: Party, state: PartyInfo["state"]): void {
    party.info.state = state;
    this.log.emit({ type: "party", party: { ...party.info } });
  }

  /** An iq round trip: any reply (even an error) proves the stanzas sent before it were processed. */
  async barrier(party: Party): Promise<void> {
    try {
      await party.xmpp.iqCaller.request(xml("iq", { type: "get", to: party.domain }, xml("ping", { xmlns: NS.ping })), this.waits.iqMs);
    } catch (error) {
      if (errorName(error) === "TimeoutError") throw new HarnessStepError(`the server did not answer a ping within ${this.waits.iqMs} ms`);
    }
  }

  /**
   * Ping round trips on the sender's stream, then on every online party's: each stream is ordered,
   * so once they return, whatever the server did with the message at once (deliveries, publishes
   * without a batching delay) has reached our sockets. Probes then never depend on how busy the
   * machine is; the quiet window of `collect` still catches late or delayed pushes.
   */
  async settleAfterSend(sender: Party): Promise<void> {
    await this.barrier(sender);
    const others = [...this.accounts.values(), ...(this.sink ? [this.sink] : [])];
    await Promise.all(others.filter((p) => p.info.state === "online").map((p) => this.barrier(p)));
  }

  /** Ping round trips on every online stream: what the server sent any of them before has arrived. */
  async barrierAll(): Promise<void> {
    await Promise.all(this.all().filter((p) => p.info.state === "online").map((p) => this.barrier(p)));
  }

  /** Closes the stream cleanly (`</close>`). */
  async stop(party: Party): Promise<void> {
    if (party.info.state !== "online") return;
    this.setState(party, "closed");
    await party.xmpp.stop();
  }

  /** Ends every session: hibernated ones are resumed first so that real servers do not keep them. */
  async closeAll(): Promise<void> {
    await Promise.all(this.all().map((p) => (p.hibernated ? this.endHibernated(p) : this.stop(p)).catch(() => undefined)));
  }

  /** Resumes a hibernated session (taking what the server queued for it) and closes it cleanly. */
  private async endHibernated(party: Party): Promise<void> {
    party.hibernated = false;
    try {
      await party.xmpp.resume({ timeoutMs: this.waits.iqMs });
    } catch {
      // Expired, or the server bound a fresh session instead: stop whatever is left below.
    }
    await party.xmpp.stop();
  }

  private async open(role: Role, creds: Credentials, resource: string, streamManagement = false): Promise<Party> {
    const domain = creds.domain ?? this.options.domain;
    const xmpp = createXmppClient({
      service: this.options.service,
      domain,
      resource: role === "account" ? this.boundResource(resource) : resource,
      streamManagement,
      ...(this.options.tlsOptions ? { tlsOptions: this.options.tlsOptions } : {}),
      ...(this.options.mechanism
        ? { credentials: forcedMechanism(this.options.mechanism, creds) }
        : { username: creds.username, password: creds.password }),
    });
    // Tests and scenarios want a session to stay gone once it is gone.
    xmpp.reconnect.stop();
    if (streamManagement && role === "account") this.watchStreamManagementOffer(xmpp);
    const party: Party = {
      role,
      resource,
      username: creds.username,
      password: creds.password,
      domain,
      xmpp,
      info: { role, resource, jid: null, state: "connecting" },
      hibernated: false,
    };
    const label = role === "account" ? resource : role === "sender" ? "B" : "S";
    xmpp.on("error", (error: unknown) => this.log.recordError(`${label}: ${errorMessage(error)}`));
    xmpp.on("stanza", (stanza: Element) => this.handlers.onStanza(party, stanza));
    xmpp.on("disconnect", () => {
      if (party.info.state === "online") this.setState(party, "closed");
    });
    if (role === "sink") xmpp.iqCallee.set(NS.pubsub, "pubsub", (ctx) => this.handlers.onPublish(ctx.stanza));
    this.log.emit({ type: "party", party: { ...party.info } });
    try {
      // xmpp.js waits for `online` without a deadline: a server that stalls in SASL or bind would hang the run.
      const address = await withTimeout(xmpp.start(), this.waits.iqMs, `no login within ${this.waits.iqMs} ms`);
      party.info.jid = address.toString();
      this.setState(party, "online");
      return party;
    } catch (error) {
      this.setState(party, "failed");
      await xmpp.stop().catch(() => undefined);
      throw new HarnessStepError(`${label} (${creds.username}@${domain}/${resource}) could not log in: ${errorMessage(error)}`);
    }
  }

  /** The features after authentication (the ones with bind) say whether XEP-0198 is offered. */
  private watchStreamManagementOffer(xmpp: XmppClient): void {
    xmpp.on("element", (element: Element) => {
      if (!element.is("features", NS.streams) || !element.getChild("bind", NS.bind)) return;
      this.streamManagementOffered = this.streamManagementOffered === true || element.getChild("sm", NS.sm) !== undefined;
    });
  }
}

function forcedMechanism(mechanism: Mechanism, creds: Credentials) {
  return async (
    authenticate: (credentials: { username: string; password: string }, mechanism: string, userAgent: Element) => Promise<void>,
    offered: string[],
  ): Promise<void> => {
    if (!offered.includes(mechanism)) {
      throw new HarnessStepError(`the server does not offer SASL ${mechanism} (offered: ${offered.join(", ") || "none"})`);
    }
    await authenticate({ username: creds.username, password: creds.password }, mechanism, xml("user-agent", { id: randomHex(8) }));
  };
}
