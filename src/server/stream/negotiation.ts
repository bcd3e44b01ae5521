/**
 * The negotiation phase of one stream: the `<open/>` header checks and features, SASL (RFC 6120
 * §6), the stream restart and resource binding (§7). It ends when a resource is bound; what follows
 * is the stanza gate's (stanza-gate.ts).
 *
 * Choices where the RFCs leave room are listed in stream-connection.ts's header.
 */
import { fromBase64, randomBytes, toBase64, toHex } from "./bytes";
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { prepDomainpart, prepResourcepart, resourcepartProblem } from "../../protocol/jid";
import { BoundSession } from "./bound-session";
import { buildSaslFailure, type SaslFailureCondition } from "./errors";
import { isStrictBase64 } from "./scram";
import { createSaslExchange, isSaslMechanismName, type SaslExchange } from "./sasl";
import type { StreamContext } from "./stream-context";

/** RFC 6120 §5 (STARTTLS). */
export const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";

export class Negotiation {
  private sasl: SaslExchange | null = null;
  private authFailures = 0;
  /** Whether STARTTLS completed on this connection. */
  private encrypted = false;

  constructor(private readonly ctx: StreamContext) {}

  /** `<open/>` at the start of the stream or as the restart after SASL success. */
  onOpen(el: Element): void {
    const { ctx } = this;
    const { fields, opts } = ctx;
    const restart = fields.phase === "awaiting-restart";
    const lang = el.attrs["xml:lang"];
    if (typeof lang === "string" && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(lang)) fields.lang = lang;
    const to = typeof el.attrs.to === "string" ? prepDomainpart(el.attrs.to) : "";
    if (this.encrypted && !restart && to !== fields.domain) {
      return ctx.closeWithStreamError("host-unknown", `the stream after STARTTLS must address ${fields.domain}, as before`);
    }
    if (!restart && opts.hosts.includes(to)) fields.domain = to;

    // Over TCP the client sent a <stream:stream> header (the framer turned it into <open/>).
    const header = opts.tls ? "the <stream:stream> header (RFC 6120 §4.7)" : "<open/> (RFC 7395 §3.4)";
    if (!to) return ctx.closeWithStreamError("host-unknown", `${header} must name the virtual host in 'to'`);
    if (!opts.hosts.includes(to)) {
      return ctx.closeWithStreamError("host-unknown", `this server does not serve ${to}; virtual hosts: ${opts.hosts.join(", ")}`);
    }
    if (restart && to !== fields.domain) {
      return ctx.closeWithStreamError("host-unknown", `stream restart must address ${fields.domain}, the host authenticated against`);
    }
    const version = el.attrs.version;
    if (typeof version !== "string" || !/^\d+\.\d+$/.test(version)) {
      return ctx.closeWithStreamError("unsupported-version", `${header} must carry version='1.0'`);
    }
    if (Number(version.split(".")[0]) !== 1) {
      return ctx.closeWithStreamError("unsupported-version", `version ${version} is not supported; this server speaks 1.0`);
    }
    ctx.sendOpen();
    if (restart) {
      fields.phase = "bind";
      ctx.sendElement(
        xml(
          "stream:features",
          { "xmlns:stream": NS.streams },
          xml("bind", { xmlns: NS.bind }),
          xml("session", { xmlns: NS.session }, xml("optional")),
          ...(opts.streamManagement ? [xml("sm", { xmlns: NS.sm })] : []),
        ),
      );
    } else {
      fields.phase = "sasl";
      ctx.sendElement(
        xml(
          "stream:features",
          { "xmlns:stream": NS.streams },
          this.needsTls()
            ? xml("starttls", { xmlns: NS_TLS }, xml("required"))
            : xml("mechanisms", { xmlns: NS.sasl }, ...opts.saslMechanisms.map((m) => xml("mechanism", {}, m))),
        ),
      );
    }
    ctx.log.debug(restart ? "stream restarted" : "stream opened", { domain: fields.domain, user: fields.username });
  }

  // ---------------------------------------------------------------- STARTTLS

  private needsTls(): boolean {
    return this.ctx.opts.tls === "required-starttls" && !this.encrypted;
  }

  /** `<starttls/>` (RFC 6120 §5.4.2): `<proceed/>`, the TLS handshake, then the client restarts the stream. */
  async onStartTls(el: Element): Promise<void> {
    const { ctx } = this;
    if (el.getName() !== "starttls" || !this.needsTls() || !ctx.opts.startTls) {
      ctx.closeWithStreamError("unsupported-stanza-type", this.encrypted ? "TLS is already in place on this stream" : `<${el.getName()}/> is not an element a client sends in ${NS_TLS}`);
      return;
    }
    ctx.sendElement(xml("proceed", { xmlns: NS_TLS }));
    ctx.fields.phase = "awaiting-open";
    try {
      await ctx.opts.startTls();
      this.encrypted = true;
      ctx.log.debug("STARTTLS done", { domain: ctx.fields.domain });
    } catch (err) {
      // The transport drops the connection itself; its close event ends this stream.
      ctx.log.info("TLS handshake failed after STARTTLS", { error: (err as Error).message, domain: ctx.fields.domain });
    }
  }

  // ---------------------------------------------------------------- SASL

  async onSasl(el: Element): Promise<void> {
    const { opts } = this.ctx;
    const name = el.getName();
    if (this.needsTls()) {
      await this.saslFailed("encryption-required", `this TCP listener requires STARTTLS before SASL (RFC 6120 §5.3.1): send <starttls xmlns='${NS_TLS}'/> first`);
      return;
    }
    if (name === "abort") {
      this.sasl = null;
      await this.saslFailed("aborted", "the client aborted the exchange");
      return;
    }
    if (name === "auth") {
      const mechanism = String(el.attrs.mechanism ?? "");
      if (!isSaslMechanismName(mechanism) || !opts.saslMechanisms.includes(mechanism)) {
        this.sasl = null;
        await this.saslFailed("invalid-mechanism", `mechanism ${JSON.stringify(mechanism)} is not offered (offered: ${opts.saslMechanisms.join(", ")})`);
        return;
      }
      const raw = el.text();
      const data = raw === "" ? null : decodeSaslBase64(raw);
      if (data === undefined) {
        await this.saslFailed("incorrect-encoding", "initial response is not valid base64");
        return;
      }
      // A new <auth/> replaces any exchange in progress.
      this.sasl = createSaslExchange(mechanism, { domain: this.ctx.fields.domain, accounts: opts.accounts });
      await this.saslStep(data);
      return;
    }
    if (name === "response") {
      if (!this.sasl) {
        await this.saslFailed("malformed-request", "<response/> without an <auth/> in progress");
        return;
      }
      const data = decodeSaslBase64(el.text());
      if (data === undefined) {
        this.sasl = null;
        await this.saslFailed("incorrect-encoding", "response is not valid base64");
        return;
      }
      await this.saslStep(data ?? new Uint8Array(0));
      return;
    }
    this.ctx.closeWithStreamError("unsupported-stanza-type", `<${name}/> is not a SASL element a client sends`);
  }

  private async saslStep(data: Uint8Array | null): Promise<void> {
    const { ctx } = this;
    const exchange = this.sasl;
    if (!exchange) return;
    const step = await exchange.step(data);
    if (ctx.fields.phase !== "sasl" || this.sasl !== exchange) return; // closed or replaced meanwhile
    if (step.kind === "challenge") {
      ctx.sendElement(xml("challenge", { xmlns: NS.sasl }, step.data.length ? toBase64(step.data) : "="));
      return;
    }
    this.sasl = null;
    if (step.kind === "failure") {
      await this.saslFailed(step.condition, step.text);
      return;
    }
    ctx.fields.username = step.username;
    ctx.fields.phase = "awaiting-restart";
    const success = xml("success", { xmlns: NS.sasl });
    if (step.additionalData) success.t(toBase64(step.additionalData));
    ctx.sendElement(success);
    ctx.log.info(step.registered ? "account registered on first login" : "authenticated", {
      account: `${step.username}@${ctx.fields.domain}`,
      mechanism: exchange.mechanism,
    });
  }

  private async saslFailed(condition: SaslFailureCondition, text: string): Promise<void> {
    const { ctx } = this;
    this.authFailures++;
    ctx.log.info("SASL failure", { condition, text, attempt: this.authFailures, domain: ctx.fields.domain });
    ctx.sendElement(buildSaslFailure(condition, text));
    if (this.authFailures >= ctx.opts.maxAuthFailures) {
      ctx.closeWithStreamError("policy-violation", `${this.authFailures} failed authentication attempts`);
    }
  }

  // ---------------------------------------------------------------- bind

  /** Any stanza between the restart and bind: only a bind iq is acceptable. */
  onBeforeBound(el: Element): void {
    const { ctx } = this;
    const bind = el.getChild("bind", NS.bind);
    if (el.getName() !== "iq" || el.attrs.type !== "set" || !bind) {
      ctx.closeWithStreamError("not-authorized", "stanza sent before resource binding (RFC 6120 §7)");
      return;
    }
    if (typeof el.attrs.id !== "string" || el.attrs.id === "") {
      ctx.replyError(el, "modify", "bad-request", "iq without id");
      return;
    }
    const requested = bind.getChildText("resource");
    let resource: string;
    if (requested === null || requested.trim() === "") {
      resource = `xpp-${toHex(randomBytes(6))}`;
    } else {
      const problem = resourcepartProblem(requested);
      if (problem) {
        ctx.replyError(el, "modify", "bad-request", `resource rejected: ${problem}`);
        return;
      }
      resource = prepResourcepart(requested);
    }
    const session = new BoundSession(ctx.transport, ctx.fields.username ?? "", ctx.fields.domain, resource);
    ctx.fields.session = session;
    ctx.fields.phase = "bound";
    ctx.clearHandshakeTimer();
    // The bind result goes out before the session manager can send anything to the new session.
    ctx.sendElement(
      xml("iq", { xmlns: NS.client, type: "result", id: el.attrs.id }, xml("bind", { xmlns: NS.bind }, xml("jid", {}, session.jid))),
    );
    ctx.log.info("resource bound", { jid: session.jid, session: session.id });
    try {
      ctx.opts.sink.sessionBound(session);
    } catch (err) {
      ctx.log.error("session manager failed in sessionBound", { error: err, jid: session.jid });
    }
  }
}

/** RFC 6120 §6.4.2: "=" is an empty response; otherwise strict base64. undefined = invalid. */
function decodeSaslBase64(text: string): Uint8Array | null | undefined {
  if (text === "=") return new Uint8Array(0);
  if (text === "") return null;
  return isStrictBase64(text) ? fromBase64(text) : undefined;
}
