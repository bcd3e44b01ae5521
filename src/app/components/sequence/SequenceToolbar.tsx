import { useState } from "react";
import type { SequenceModel } from "../../sequence";
import { downloadText } from "../shared/download";
import { copyText, currentTheme, exportSequence, type ExportFormat, type ExportScope } from "./sequence-export";

interface ToolbarProps {
  model: SequenceModel;
  onScreen: { start: number; end: number };
  selectedId: string | null;
  following: boolean;
  onJumpToLatest: () => void;
  expandedCount: number;
  onFoldAll: () => void;
}

type Message = { tone: "ok" | "warn"; text: string };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Counts, follow-latest, folding, and the exports (SVG and Mermaid files, Mermaid to the clipboard). */
export function SequenceToolbar({ model, onScreen, selectedId, following, onJumpToLatest, expandedCount, onFoldAll }: ToolbarProps) {
  const [scope, setScope] = useState<ExportScope>("session");
  const [message, setMessage] = useState<Message | null>(null);
  // Shown when the clipboard refuses: the text to copy by hand (a React text value, never markup).
  const [manualCopy, setManualCopy] = useState<string | null>(null);

  const produce = (format: ExportFormat) =>
    exportSequence({ model, scope, visible: onScreen, format, theme: currentTheme(), selectedEventId: selectedId, at: Date.now() });

  const download = (format: ExportFormat) => {
    setManualCopy(null);
    const result = produce(format);
    if (!result.ok) return setMessage({ tone: "warn", text: result.message });
    downloadText(result.file.fileName, result.file.text, result.file.mime);
    setMessage({ tone: "ok", text: `Downloaded ${result.file.fileName} (${plural(result.file.rows, "row")}).` });
  };

  const copyMermaid = async () => {
    setManualCopy(null);
    const result = produce("mermaid");
    if (!result.ok) return setMessage({ tone: "warn", text: result.message });
    if (await copyText(result.file.text)) {
      setMessage({ tone: "ok", text: `Copied Mermaid (${plural(result.file.rows, "row")}): paste it into a GitHub issue inside a \`\`\`mermaid block.` });
    } else {
      setManualCopy(result.file.text);
      setMessage({ tone: "warn", text: "The browser did not allow copying: select the text below and copy it, or download the Mermaid file." });
    }
  };

  const s = model.stats;
  return (
    <div className="seq-toolbar-wrap">
      <div className="toolbar" role="toolbar" aria-label="Sequence tools">
        <span className="seq-counts small" aria-label="Sequence counts">
          <span>{plural(s.rows, "row")}</span>
          <span className="seq-count-push">{plural(s.pushes, "push")}</span>
          <span className="seq-count-nopush">{s.notPushed} not pushed</span>
          {s.collapsedEvents > 0 ? <span className="muted">{s.collapsedEvents} folded</span> : null}
        </span>
        <span className="toolbar-group">
          <button type="button" className="btn btn-small" onClick={onJumpToLatest} disabled={following || model.rows.length === 0}>
            Jump to latest
          </button>
          {expandedCount > 0 ? (
            <button type="button" className="btn btn-small" onClick={onFoldAll} title="Fold the presence bursts and stream noise you opened">
              Fold all
            </button>
          ) : null}
        </span>
        <span className="toolbar-group seq-export" role="group" aria-label="Export">
          <label className="small muted" htmlFor="seq-export-scope">
            Export
          </label>
          <select id="seq-export-scope" className="input seq-scope" aria-label="Export scope" value={scope} onChange={(e) => setScope(e.target.value as ExportScope)}>
            <option value="session">whole session</option>
            <option value="visible">rows on screen</option>
          </select>
          <button type="button" className="btn btn-small" onClick={() => download("svg")} title="Download an SVG file (for slides and bug reports)">
            SVG
          </button>
          <button type="button" className="btn btn-small" onClick={() => download("mermaid")} title="Download Mermaid sequenceDiagram text">
            Mermaid
          </button>
          <button type="button" className="btn btn-small" onClick={() => void copyMermaid()} title="Copy Mermaid text: GitHub renders it in issues">
            Copy Mermaid
          </button>
        </span>
      </div>
      <div role="status" aria-label="Export result" className={`seq-message small${message ? ` is-${message.tone}` : ""}`}>
        {message?.text ?? ""}
      </div>
      {manualCopy !== null ? (
        <textarea className="input seq-manual-copy" aria-label="Mermaid text to copy" readOnly value={manualCopy} rows={6} onFocus={(e) => e.currentTarget.select()} />
      ) : null}
    </div>
  );
}
