/**
 * A ClientSession without a socket, for driving the SessionManager directly: what it was sent is
 * kept in `sent`, and a test can make its sends fail or watch its stream-error close.
 */
import type { Element } from "@xmpp/xml";
import type { ClientSession } from "../types";

let ids = 0;

export class FakeSession implements ClientSession {
  readonly id = `fake-${++ids}`;
  readonly jid: string;
  readonly account: string;
  readonly local: string;
  readonly domain: string;
  readonly sent: Element[] = [];
  closedWith: { condition: string; text?: string } | null = null;
  failSend = false;
  /** Called from closeWithStreamError, as a stream layer that reports the close at once would. */
  onClose: (() => void) | null = null;

  constructor(
    jid: string,
    readonly resource = jid.split("/")[1] ?? "",
  ) {
    this.jid = jid;
    this.account = jid.split("/")[0] ?? "";
    this.local = this.account.split("@")[0] ?? "";
    this.domain = this.account.split("@")[1] ?? "";
  }

  send(stanza: Element): void {
    if (this.failSend) throw new Error("socket exploded");
    this.sent.push(stanza);
  }

  closeWithStreamError(condition: string, text?: string): void {
    this.closedWith = text === undefined ? { condition } : { condition, text };
    this.onClose?.();
  }
}
