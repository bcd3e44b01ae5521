import { useMemo, type ReactNode } from "react";
import { MASK, prettyXml, tokenizeXml, type XmlToken } from "../../../protocol/xml-format";

export interface XmlViewProps {
  xml: string;
  /** Indent well-formed XML (default true). Malformed input is shown as received, with a note. */
  pretty?: boolean;
  /** Case-insensitive text to mark (the search box). */
  highlight?: string;
  /** Accessible name of the code block. */
  label?: string;
  /** One line, no box (console rows). */
  inline?: boolean;
  className?: string;
}

const TOKEN_CLASS: Record<XmlToken["kind"], string> = {
  tag: "xt-tag",
  "attr-name": "xt-attr",
  "attr-value": "xt-value",
  text: "xt-text",
  punct: "xt-punct",
  comment: "xt-comment",
};

/** Longest XML we indent and highlight; beyond that, plain text keeps the pane responsive. */
const MAX_HIGHLIGHT_CHARS = 200_000;

/**
 * XML as highlighted text. Every token becomes a React text node inside a <span>: stanza content
 * from the network is never parsed as HTML, so markup in bodies or attributes stays inert.
 */
export function XmlView({ xml, pretty = true, highlight, label, inline = false, className }: XmlViewProps) {
  const formatted = useMemo(() => {
    if (!pretty || inline) return { text: xml, error: null as string | null };
    const result = prettyXml(xml);
    return result.ok ? { text: result.text, error: null } : { text: result.text, error: result.error };
  }, [xml, pretty, inline]);

  const needle = highlight?.trim().toLowerCase() ?? "";
  const content = useMemo(() => {
    if (formatted.text.length > MAX_HIGHLIGHT_CHARS) return markText(formatted.text, needle, "xt-text");
    return tokenizeXml(formatted.text).map((token, i) => (
      <span key={i} className={tokenClass(token)}>
        {markText(token.text, needle, null)}
      </span>
    ));
  }, [formatted.text, needle]);

  const classes = `xml-view${inline ? " xml-inline" : ""}${className ? ` ${className}` : ""}`;
  if (inline) {
    return (
      <code className={classes} aria-label={label}>
        {content}
      </code>
    );
  }
  return (
    <div className="stack">
      {formatted.error ? (
        <p className="callout callout-warn" role="note">
          Not well-formed XML ({formatted.error}); shown as received.
        </p>
      ) : null}
      <pre className={classes} aria-label={label} tabIndex={0}>
        <code>{content}</code>
      </pre>
    </div>
  );
}

function tokenClass(token: XmlToken): string {
  if (token.kind === "attr-name" && (token.text === "xmlns" || token.text.startsWith("xmlns:"))) return "xt-ns";
  return TOKEN_CLASS[token.kind];
}

/**
 * Splits text into plain strings, search marks and masked-credential spans. Returns React nodes
 * built from strings only.
 */
function markText(text: string, needle: string, baseClass: string | null): ReactNode {
  const parts: ReactNode[] = [];
  let key = 0;
  const pushPlain = (s: string) => {
    if (!s) return;
    // Masked SASL payloads stand out so nobody mistakes them for a server bug.
    const pieces = s.split(MASK);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        parts.push(
          <span key={key++} className="xt-masked" title="SASL credentials masked">
            {MASK}
          </span>,
        );
      }
      if (piece) parts.push(piece);
    });
  };
  const lower = needle ? text.toLowerCase() : "";
  // Lower-casing can change the length of some characters; then offsets would not line up.
  if (!needle || lower.length !== text.length) {
    pushPlain(text);
  } else {
    let from = 0;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
      pushPlain(text.slice(from, at));
      parts.push(
        <mark key={key++} className="xt-match">
          {text.slice(at, at + needle.length)}
        </mark>,
      );
      from = at + needle.length;
    }
    pushPlain(text.slice(from));
  }
  if (baseClass) return <span className={baseClass}>{parts}</span>;
  return parts.length === 1 && typeof parts[0] === "string" ? parts[0] : parts;
}
