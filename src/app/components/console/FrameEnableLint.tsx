import { useMemo } from "react";
import type { ConsoleFrame } from "../../model";
import { usePlayground } from "../../playground-context";
import { useSessionsStore } from "../../stores/hooks";
import { EnableLintFindings } from "../push/EnableLint";
import { lintEnableFrame } from "./enable-frame-lint";

/** Under a selected frame that carries an XEP-0357 enable: the enable linter's findings. */
export function FrameEnableLint({ frame }: { frame: ConsoleFrame }) {
  const playground = usePlayground();
  // The sending session's full JID, when this page sent it (Prosody refuses it as the push jid).
  const senderFullJid = useSessionsStore((s) => (frame.direction === "out" ? (s.sessions[frame.lane]?.jid ?? undefined) : undefined));
  const sinkJid = playground.sinkJid();
  const result = useMemo(() => lintEnableFrame(frame.text, { sinkJid, ...(senderFullJid ? { senderFullJid } : {}) }), [frame.text, sinkJid, senderFullJid]);
  return result ? <EnableLintFindings result={result} label="Enable check of this frame" /> : null;
}
