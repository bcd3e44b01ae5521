/**
 * Cuts an RFC 6120 TCP byte stream into the standalone RFC 7395-style frames the stream layer takes:
 * the `<stream:stream …>` header becomes `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' …/>`,
 * `</stream:stream>` becomes `<close/>`, and each top-level element becomes one frame carrying the
 * namespace declarations it inherits from the header (`xmlns='jabber:client'`, prefixes it uses).
 *
 * The framer only finds boundaries; it judges as little as it can. Whatever it cannot place (stray
 * text, a mismatched end tag, a comment or DOCTYPE at the top level, an element past the size cap)
 * is handed on as a frame too, so the strict frame parser gives TCP exactly the stream errors it
 * gives WebSocket. It reports errors itself only for what is TCP's own: the header's namespaces and
 * WebSocket framing (`<open/>`, `<close/>`) sent over TCP.
 *
 * It works on bytes: the delimiters it looks for (`<`, `>`, quotes, `/`, `?`, `!`) are ASCII and
 * never occur inside a multi-byte UTF-8 sequence, and frames keep their bytes, so invalid UTF-8 is
 * found (and answered with `unsupported-encoding`) where WebSocket frames are checked.
 */
import { isUtf8 } from "node:buffer";
import xml from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { parseElement } from "../../protocol/stanzas/parse";
import { decodeUtf8, type FrameLimits } from "../stream/frame-parser";

export type FramerEvent =
  | { kind: "frame"; bytes: Uint8Array; /** local name of the root element, "" for stray text */ name: string }
  | { kind: "error"; condition: string; text: string };

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QMARK = 0x3f;
const BANG = 0x21;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** A start tag's shape: name, then name=quoted-value pairs, then `>` or `/>` (values unchecked). */
const START_TAG = /^<[^\s/>=<"']+(?:\s+[^\s/>=<"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?>$/;

const CLOSE_FRAME = xml("close", { xmlns: NS.framing }).toString();

interface HeaderContext {
  /** Namespace declarations of the current header, inherited by every top-level element. */
  declarations: Map<string, string>;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon === -1 ? qname : qname.slice(colon + 1);
}

export class XmlStreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Where scanning resumes. */
  private pos = 0;
  /** Start of the top-level item being collected (-1: between items). */
  private start = -1;
  /** Start of that item's root start tag (after any declaration, comment or PI before it). */
  private rootAt = -1;
  private readonly stack: string[] = [];
  private header: HeaderContext | null = null;
  private halted = false;

  constructor(
    private readonly limits: FrameLimits,
    private readonly emit: (event: FramerEvent) => void,
  ) {}

  /** Stop framing: the connection is ending, or bytes after `<starttls/>` must be ignored. */
  halt(): void {
    this.halted = true;
  }

  /** A new stream on the same connection (after STARTTLS): nothing of the old one carries over. */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.start = -1;
    this.rootAt = -1;
    this.stack.length = 0;
    this.header = null;
    this.halted = false;
  }

  push(chunk: Uint8Array): void {
    if (this.halted || chunk.length === 0) return;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    this.scan();
    if (this.halted) return;
    // Keep only the item in progress (or the unscanned rest).
    const keepFrom = this.start === -1 ? this.pos : this.start;
    if (keepFrom > 0) {
      this.buf = this.buf.subarray(keepFrom);
      this.pos -= keepFrom;
      if (this.start !== -1) {
        this.rootAt = this.rootAt === -1 ? -1 : this.rootAt - keepFrom;
        this.start = 0;
      }
    }
    if (this.start !== -1 && this.buf.length > this.limits.maxBytes) {
      // Handed on whole-as-far-as-it-got: the connection answers the size with `policy-violation`.
      this.emitFrame(this.buf, "");
      this.halted = true;
    }
  }

  private scan(): void {
    const { buf } = this;
    while (!this.halted && this.pos < buf.length) {
      if (this.start === -1) {
        while (this.pos < buf.length && isSpace(buf[this.pos])) this.pos++;
        if (this.pos >= buf.length) return;
        if (buf[this.pos] !== LT) {
          // Character data between top-level elements: not XML a stream may carry.
          const next = buf.indexOf(LT, this.pos);
          this.emitFrame(buf.subarray(this.pos, next === -1 ? buf.length : next), "");
          this.halted = true;
          return;
        }
        this.start = this.pos;
        this.rootAt = -1;
      }
      if (buf[this.pos] !== LT) {
        const next = buf.indexOf(LT, this.pos);
        if (next === -1) {
          this.pos = buf.length;
          return;
        }
        this.pos = next;
      }
      if (this.pos + 1 >= buf.length) return;
      const kind = buf[this.pos + 1];
      const end = kind === QMARK ? this.findSeq("?>", this.pos + 2) : kind === BANG ? this.findMarkupDeclEnd() : kind === SLASH ? buf.indexOf(GT, this.pos) : this.findTagEnd();
      if (end === -1) return; // incomplete: wait for more bytes
      if (kind === QMARK || kind === BANG) {
        // Declarations, comments, PIs, CDATA: part of the item (the frame parser judges them).
        this.pos = end + 1;
        continue;
      }
      if (kind === SLASH) this.onEndTag(end);
      else this.onStartTag(end);
    }
  }

  private onStartTag(end: number): void {
    const { buf } = this;
    if (!START_TAG.test(buf.toString("latin1", this.pos, end + 1)) || !isUtf8(buf.subarray(this.pos, end + 1))) {
      // A tag we cannot read reliably (bytes after '/', no '=' or quotes, bytes that are not UTF-8):
      // hand the item on as it is, so the frame parser names the problem instead of the framer
      // waiting for an end tag.
      this.emitFrame(buf.subarray(this.start, end + 1), "");
      this.halted = true;
      return;
    }
    const selfClosing = buf[end - 1] === SLASH;
    let nameEnd = this.pos + 1;
    while (nameEnd < end && !isSpace(buf[nameEnd]) && buf[nameEnd] !== SLASH && buf[nameEnd] !== GT) nameEnd++;
    const name = buf.toString("latin1", this.pos + 1, nameEnd);
    if (this.stack.length === 0) {
      this.rootAt = this.pos;
      const local = localName(name);
      if (local === "stream") {
        this.onHeader(end, selfClosing);
        return;
      }
      const tag = buf.toString("latin1", this.pos, end + 1);
      if ((local === "open" || local === "close") && tag.includes(NS.framing)) {
        this.fail(
          this.header ? "unsupported-stanza-type" : "invalid-namespace",
          `<${local}/> is XMPP-over-WebSocket framing (RFC 7395); over TCP a stream starts with <stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='…' version='1.0'> and ends with </stream:stream> (RFC 6120 §4)`,
        );
        return;
      }
    }
    this.pos = end + 1;
    if (selfClosing) {
      if (this.stack.length === 0) this.finishItem(end, name);
      return;
    }
    this.stack.push(name);
  }

  private onEndTag(end: number): void {
    const { buf } = this;
    const name = buf.toString("latin1", this.pos + 2, end).trim();
    this.pos = end + 1;
    if (this.stack.length === 0) {
      if (localName(name) === "stream") {
        this.start = -1;
        this.emit({ kind: "frame", bytes: Buffer.from(CLOSE_FRAME), name: "close" });
        return;
      }
      this.emitFrame(buf.subarray(this.start, end + 1), "");
      this.halted = true;
      return;
    }
    const open = this.stack.pop();
    if (open !== name) {
      // Mismatched end tag: the frame parser names the problem (not-well-formed).
      this.emitFrame(buf.subarray(this.start, end + 1), localName(open ?? ""));
      this.halted = true;
      return;
    }
    if (this.stack.length === 0) this.finishItem(end, name);
  }

  /** A complete top-level element from `start` to `end` (inclusive). */
  private finishItem(end: number, name: string): void {
    const bytes = this.withInheritedNamespaces(this.buf.subarray(this.start, end + 1), this.rootAt - this.start);
    this.start = -1;
    this.rootAt = -1;
    this.emit({ kind: "frame", bytes, name: localName(name) });
  }

  /**
   * The header's namespace declarations, added to the root start tag where the element does not
   * declare them itself, so the frame is a standalone document (RFC 7395 §3.3.3).
   */
  private withInheritedNamespaces(item: Buffer, rootOffset: number): Buffer {
    if (!this.header || rootOffset < 0) return item;
    let nameEnd = rootOffset + 1;
    while (nameEnd < item.length && !isSpace(item[nameEnd]) && item[nameEnd] !== SLASH && item[nameEnd] !== GT) nameEnd++;
    const tagEnd = item.indexOf(GT, nameEnd);
    const tag = item.toString("latin1", rootOffset, tagEnd === -1 ? item.length : tagEnd);
    const text = item.toString("latin1");
    let added = "";
    for (const [attr, uri] of this.header.declarations) {
      const declared = new RegExp(`\\s${attr.replace(":", "\\:")}\\s*=`).test(tag);
      if (declared) continue;
      if (attr !== "xmlns" && !text.includes(`${attr.slice("xmlns:".length)}:`)) continue;
      added += ` ${attr}='${escapeAttr(uri)}'`;
    }
    if (added === "") return item;
    return Buffer.concat([item.subarray(0, nameEnd), Buffer.from(added, "utf8"), item.subarray(nameEnd)]);
  }

  private onHeader(end: number, selfClosing: boolean): void {
    const { buf } = this;
    // What came before the header in this item (an XML declaration, or something the parser refuses).
    const before = buf.subarray(this.start, this.pos);
    const tag = buf.subarray(this.pos, end + 1);
    const closed = selfClosing ? tag : Buffer.concat([tag.subarray(0, tag.length - 1), Buffer.from("/>")]);
    const text = decodeUtf8(Buffer.concat([before, closed]));
    this.pos = end + 1;
    this.start = -1;
    this.rootAt = -1;
    if (text === null) return this.fail("unsupported-encoding", "the stream header is not valid UTF-8 (RFC 6120 §11.6)");
    const parsed = parseElement(text, this.limits);
    if (!parsed.ok) return this.fail(parsed.condition, parsed.reason);
    const el = parsed.element;
    if (el.getNS() !== NS.streams) {
      return this.fail("invalid-namespace", `the stream header must be <stream:stream xmlns:stream='${NS.streams}'> (RFC 6120 §4.8.1)`);
    }
    const declarations = new Map<string, string>();
    for (const [attr, value] of Object.entries(el.attrs)) {
      if ((attr === "xmlns" || attr.startsWith("xmlns:")) && typeof value === "string") declarations.set(attr, value);
    }
    if (declarations.get("xmlns") !== NS.client) {
      return this.fail("invalid-namespace", `the stream's default namespace must be xmlns='${NS.client}' (RFC 6120 §4.8.3)`);
    }
    this.header = { declarations };
    const open: Record<string, string> = { xmlns: NS.framing };
    for (const attr of ["to", "from", "version", "xml:lang", "id"]) {
      const value = el.attrs[attr];
      if (typeof value === "string") open[attr] = value;
    }
    this.emit({ kind: "frame", bytes: Buffer.from(xml("open", open).toString(), "utf8"), name: "open" });
    if (selfClosing && !this.halted) this.emit({ kind: "frame", bytes: Buffer.from(CLOSE_FRAME), name: "close" });
  }

  private fail(condition: string, text: string): void {
    this.halted = true;
    this.emit({ kind: "error", condition, text });
  }

  private emitFrame(bytes: Uint8Array, name: string): void {
    this.emit({ kind: "frame", bytes: Buffer.from(bytes), name });
  }

  private findSeq(seq: string, from: number): number {
    const at = this.buf.indexOf(seq, from, "latin1");
    return at === -1 ? -1 : at + seq.length - 1;
  }

  /** End (the `>`) of `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE … [ … ]>`. */
  private findMarkupDeclEnd(): number {
    const { buf, pos } = this;
    if (buf.length < pos + 4) return -1;
    if (buf.toString("latin1", pos, pos + 4) === "<!--") return this.findSeq("-->", pos + 4);
    if (buf.length < pos + 9) return -1;
    if (buf.toString("latin1", pos, pos + 9) === "<![CDATA[") return this.findSeq("]]>", pos + 9);
    let brackets = 0;
    let quote = 0;
    for (let i = pos + 2; i < buf.length; i++) {
      const b = buf[i];
      if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === DQUOTE || b === SQUOTE) quote = b;
      else if (b === LBRACKET) brackets++;
      else if (b === RBRACKET) brackets--;
      else if (b === GT && brackets <= 0) return i;
    }
    return -1;
  }

  /** The `>` closing the start tag at `pos`, skipping quoted attribute values. */
  private findTagEnd(): number {
    const { buf } = this;
    let quote = 0;
    for (let i = this.pos + 1; i < buf.length; i++) {
      const b = buf[i];
      if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === DQUOTE || b === SQUOTE) quote = b;
      else if (b === GT) return i;
      else if (b === LT) return i - 1 >= this.pos ? this.badTag(i) : -1;
    }
    return -1;
  }

  /** A `<` inside a start tag: hand the broken tag on so the parser names it (not-well-formed). */
  private badTag(at: number): number {
    this.emitFrame(this.buf.subarray(this.start, at), "");
    this.halted = true;
    return -1;
  }
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/'/g, "&apos;").replace(/</g, "&lt;");
}
