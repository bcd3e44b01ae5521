/** Colours are user input: only plain hex colours reach a style attribute. */
export function safeColour(colour: string | undefined, fallback = "#8c959f"): string {
  return colour && /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(colour) ? colour : fallback;
}

/** The colour swatch and label of one session lane (a resource, the sender, the sink). */
export function LaneChip({ label, colour, title }: { label: string; colour?: string; title?: string }) {
  return (
    <span className="lane-chip" title={title}>
      <span className="lane-swatch" aria-hidden="true" style={{ background: safeColour(colour) }} />
      <span className="lane-label">{label}</span>
    </span>
  );
}
