import type { ReactNode } from "react";

/** Plain text with case-insensitive matches of `needle` wrapped in <mark> (text nodes only). */
export function Highlight({ text, needle }: { text: string; needle: string }) {
  const n = needle.trim().toLowerCase();
  if (!n) return <>{text}</>;
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return <>{text}</>;
  const parts: ReactNode[] = [];
  let from = 0;
  let key = 0;
  for (let at = lower.indexOf(n); at >= 0; at = lower.indexOf(n, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={key++}>{text.slice(at, at + n.length)}</mark>);
    from = at + n.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return <>{parts}</>;
}
