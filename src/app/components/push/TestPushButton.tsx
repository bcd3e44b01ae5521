import { useState } from "react";
import type { KnownRegistration } from "../../model";
import { usePlayground } from "../../playground-context";

export interface TestPushButtonProps {
  registration: KnownRegistration;
}

/**
 * "Test push": asks the reference server for one publish to this registration (like Apple's and
 * Stream's test sends) and shows what the App Server answered and what the server made of it.
 */
export function TestPushButton({ registration }: TestPushButtonProps) {
  const playground = usePlayground();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<string | null>(null);
  if (registration.state !== "active") return null;
  const node = registration.node || "(no node)";

  async function run() {
    setBusy(true);
    const result = await playground.testPush(registration);
    setBusy(false);
    if (!result.ok) {
      setAnswer(`not sent: ${result.error.message}`);
      return;
    }
    const { outcome, reaction } = result.value;
    const what = outcome.kind === "error" ? `${outcome.type}/${outcome.condition}` : outcome.kind === "timeout" ? "no answer" : "result";
    setAnswer(`${what}; ${reaction.action === "remove" ? "removed by the server" : "kept"}`);
  }

  return (
    <>
      <button type="button" className="btn btn-small" disabled={busy} aria-label={`Test push to node ${node}`} onClick={() => void run()}>
        Test push
      </button>
      {answer ? (
        <div className="small muted" role="status">
          {answer}
        </div>
      ) : null}
    </>
  );
}
