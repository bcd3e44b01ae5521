export type Tone = "ok" | "warn" | "err" | "info" | "idle" | "push";

/** A coloured dot plus a word: colour is never the only carrier of state. */
export function StatusDot({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  return (
    <span className={`status status-${tone}`} title={title}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{label}</span>
    </span>
  );
}
