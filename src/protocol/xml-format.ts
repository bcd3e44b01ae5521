/**
 * Text helpers for the XML console and the timeline: pretty-printing and tokens for syntax
 * highlighting (rendered by the UI as plain text spans, never as HTML). Isomorphic and pure.
 * SASL masking and the stanza classification live in frame-text.ts (no parser), re-exported here.
 */
import { parseXmlEvents } from "./xml-parser";

// ---------------------------------------------------------------------------------------------
// pretty printing

export type PrettyXmlResult = { ok: true; text: string } | { ok: false; error: string; text: string };

export interface PrettyXmlOptions {
  /** Indent unit; two spaces by default. */
  indent?: string;
  /** Nesting deeper than this is not indented further, so hostile input cannot blow up the output. */
  maxIndentDepth?: number;
}

type PNode =
  | { kind: "element"; name: string; attrs: [string, string][]; children: PNode[] }
  | { kind: "text"; text: string }
  | { kind: "comment"; text: string }
  | { kind: "pi"; target: string; body: string }
  | { kind: "doctype"; text: string };

/**
 * Indents well-formed XML (one or more top-level elements, e.g. one WebSocket frame) with two
 * spaces. Attributes stay in their order; text is re-escaped; elements holding only text stay on
 * one line with the text verbatim; whitespace-only text between elements is dropped. Malformed input
 * comes back unchanged with the parser's error.
 */
export function prettyXml(xmlString: string, options: PrettyXmlOptions = {}): PrettyXmlResult {
  if (typeof xmlString !== "string") return { ok: false, error: "input is not a string", text: "" };
  const parsed = parseForPretty(xmlString);
  if (!parsed.ok) return { ok: false, error: parsed.error, text: xmlString };
  return { ok: true, text: serialize(parsed.nodes, options.indent ?? "  ", options.maxIndentDepth ?? 32) };
}

function parseForPretty(input: string): { ok: true; nodes: PNode[] } | { ok: false; error: string } {
  // A prolog (XML declaration, DOCTYPE) makes it a document; bare frames may hold several elements.
  const document = /^\s*<(\?xml[\s?]|!DOCTYPE)/i.test(input);
  const top: PNode[] = [];
  const stack: Extract<PNode, { kind: "element" }>[] = [];
  const append = (node: PNode) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else top.push(node);
  };
  try {
    parseXmlEvents(
      input,
      {
        openTag(name, attributes) {
          const node: PNode = { kind: "element", name, attrs: attributes.map(([k, v]) => [k, v]), children: [] };
          append(node);
          stack.push(node);
        },
        closeTag() {
          stack.pop();
        },
        text: (text) => append({ kind: "text", text }),
        comment: (text) => append({ kind: "comment", text }),
        processingInstruction: (target, body) => append({ kind: "pi", target, body }),
        doctype: (text) => append({ kind: "doctype", text }),
        xmlDeclaration({ version, encoding, standalone }) {
          const attrs = [["version", version], ["encoding", encoding], ["standalone", standalone]]
            .filter((pair): pair is [string, string] => pair[1] !== undefined)
            .map(([k, v]) => `${k}="${v}"`)
            .join(" ");
          append({ kind: "pi", target: "xml", body: attrs });
        },
      },
      { fragment: !document },
    );
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (!top.some((n) => n.kind === "element")) return { ok: false, error: "no element" };
  return { ok: true, nodes: top };
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

function escapeAttr(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case '"':
        return "&quot;";
      case "\t":
        return "&#9;";
      case "\n":
        return "&#10;";
      default:
        return "&#13;";
    }
  });
}

function openTag(node: Extract<PNode, { kind: "element" }>, selfClose: boolean): string {
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("");
  return `<${node.name}${attrs}${selfClose ? "/>" : ">"}`;
}

function isBlank(node: PNode): boolean {
  return node.kind === "text" && node.text.trim() === "";
}

/** Iterative so that deep nesting cannot overflow the stack. */
function serialize(nodes: PNode[], unit: string, maxDepth: number): string {
  const lines: string[] = [];
  const pad = (depth: number) => unit.repeat(Math.min(depth, maxDepth));
  type Work = { node: PNode; depth: number } | { close: string; depth: number };
  const work: Work[] = nodes
    .filter((n) => !isBlank(n))
    .map((node) => ({ node, depth: 0 }))
    .reverse();
  for (let item = work.pop(); item; item = work.pop()) {
    if ("close" in item) {
      lines.push(`${pad(item.depth)}</${item.close}>`);
      continue;
    }
    const { node, depth } = item;
    switch (node.kind) {
      case "text":
        lines.push(pad(depth) + escapeText(node.text.trim()));
        break;
      case "comment":
        lines.push(`${pad(depth)}<!--${node.text}-->`);
        break;
      case "pi":
        lines.push(`${pad(depth)}<?${node.target}${node.body ? ` ${node.body}` : ""}?>`);
        break;
      case "doctype":
        lines.push(`${pad(depth)}<!DOCTYPE${node.text}>`);
        break;
      case "element": {
        if (node.children.length === 0) {
          lines.push(pad(depth) + openTag(node, true));
        } else if (node.children.every((c) => c.kind === "text")) {
          const text = node.children.map((c) => (c.kind === "text" ? c.text : "")).join("");
          lines.push(`${pad(depth)}${openTag(node, false)}${escapeText(text)}</${node.name}>`);
        } else {
          lines.push(pad(depth) + openTag(node, false));
          work.push({ close: node.name, depth });
          const children = node.children.filter((c) => !isBlank(c));
          for (let i = children.length - 1; i >= 0; i -= 1) {
            const child = children[i];
            if (child) work.push({ node: child, depth: depth + 1 });
          }
        }
        break;
      }
    }
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// syntax highlighting tokens

export type XmlTokenKind = "tag" | "attr-name" | "attr-value" | "text" | "punct" | "comment";

export interface XmlToken {
  kind: XmlTokenKind;
  text: string;
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const SPACE = /\s/;

/**
 * Splits any text (well-formed or not) into tokens for highlighting. Concatenating the tokens'
 * text gives back the input exactly. Whitespace inside a tag is a `text` token; XML declarations,
 * processing instructions and DOCTYPEs are `comment`s; CDATA content is `text` between `punct`.
 */
export function tokenizeXml(text: string): XmlToken[] {
  const tokens: XmlToken[] = [];
  if (typeof text !== "string") return tokens;
  const n = text.length;
  const push = (kind: XmlTokenKind, value: string) => {
    if (value === "") return;
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind && (kind === "text" || kind === "comment")) last.text += value;
    else tokens.push({ kind, text: value });
  };
  const until = (from: number, marker: string): number => {
    const found = text.indexOf(marker, from);
    return found < 0 ? n : found + marker.length;
  };

  let i = 0;
  while (i < n) {
    if (text.startsWith("<!--", i)) {
      const end = until(i + 4, "-->");
      push("comment", text.slice(i, end));
      i = end;
    } else if (text.startsWith("<![CDATA[", i)) {
      push("punct", "<![CDATA[");
      const close = text.indexOf("]]>", i + 9);
      const contentEnd = close < 0 ? n : close;
      push("text", text.slice(i + 9, contentEnd));
      if (close >= 0) push("punct", "]]>");
      i = close < 0 ? n : close + 3;
    } else if (text.startsWith("<?", i) || text.startsWith("<!", i)) {
      const end = until(i + 2, ">");
      push("comment", text.slice(i, end));
      i = end;
    } else if (text[i] === "<" && (text[i + 1] === "/" || NAME_START.test(text[i + 1] ?? ""))) {
      i = tokenizeTag(text, i, push);
    } else {
      const next = text.indexOf("<", i + 1);
      const end = next < 0 ? n : next;
      push("text", text.slice(i, end));
      i = end;
    }
  }
  return tokens;
}

/** Tokenizes one tag starting at `<`; returns the index after it (or where it broke off). */
function tokenizeTag(text: string, start: number, push: (kind: XmlTokenKind, value: string) => void): number {
  const n = text.length;
  let i = start;
  const opener = text[i + 1] === "/" ? "</" : "<";
  push("punct", opener);
  i += opener.length;
  const nameEnd = scan(text, i, (c) => !SPACE.test(c) && c !== "/" && c !== ">" && c !== "<" && c !== "=");
  push("tag", text.slice(i, nameEnd));
  i = nameEnd;
  let afterEquals = false;
  while (i < n) {
    const c = text[i] ?? "";
    if (SPACE.test(c)) {
      const end = scan(text, i, (ch) => SPACE.test(ch));
      push("text", text.slice(i, end));
      i = end;
    } else if (c === ">") {
      push("punct", ">");
      return i + 1;
    } else if (c === "/" && text[i + 1] === ">") {
      push("punct", "/>");
      return i + 2;
    } else if (c === "<") {
      return i; // broken tag: let the caller start over at the next `<`
    } else if (c === "=") {
      push("punct", "=");
      afterEquals = true;
      i += 1;
    } else if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      const end = close < 0 ? n : close + 1;
      push("attr-value", text.slice(i, end));
      afterEquals = false;
      i = end;
    } else {
      let end = i + 1;
      while (end < n) {
        const ch = text[end] ?? "";
        if (SPACE.test(ch) || ch === "=" || ch === ">" || ch === "<" || ch === '"' || ch === "'") break;
        if (ch === "/" && text[end + 1] === ">") break;
        end += 1;
      }
      push(afterEquals ? "attr-value" : "attr-name", text.slice(i, end));
      afterEquals = false;
      i = end;
    }
  }
  return i;
}

function scan(text: string, from: number, accept: (c: string) => boolean): number {
  let i = from;
  while (i < text.length && accept(text[i] ?? "")) i += 1;
  return i;
}

export { MASK, maskSaslFrame, stanzaKind, type StanzaKind } from "./frame-text";
