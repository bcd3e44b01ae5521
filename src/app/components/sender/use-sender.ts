import { useState } from "react";
import { MAX_BURST, type SendKind } from "../../model";
import { usePlayground } from "../../playground-context";
import { useProfileStore } from "../../stores/hooks";
import type { SessionView } from "../../stores/sessions";
import { useActionError } from "../shared/action-error";

/** The burst size typed in the form, or null when it is not a whole number from 1 to MAX_BURST. */
export function burstSize(count: string): number | null {
  const n = Number(count);
  return Number.isInteger(n) && n >= 1 && n <= MAX_BURST ? n : null;
}

export interface SendRequest {
  /** "bare" or one resource name of the account. */
  to: string;
  kind: SendKind;
  body: string;
  /** The burst size as typed. */
  count: string;
}

export interface SenderActions {
  busy: boolean;
  /** What the last action refused, when it says more than the sender's own lastError. */
  error: string | null;
  /** What the last send did, until the next one. */
  sent: string | null;
  send(request: SendRequest): Promise<void>;
  connectToggle(): Promise<void>;
}

/** The sender panel's actions (send a burst, connect or disconnect) with their busy flag and outcome. */
export function useSenderActions(sender: SessionView | undefined): SenderActions {
  const playground = usePlayground();
  const account = useProfileStore((s) => `${s.profile.account.username}@${s.profile.domain}`);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(sender);
  const connected = sender?.status === "online";

  const send = async ({ to, kind, body, count }: SendRequest) => {
    const n = burstSize(count);
    if (n === null) {
      setSent(null);
      setError(`Burst size must be a whole number from 1 to ${MAX_BURST}.`);
      return;
    }
    // One message is written to the socket within this call: the form is not re-rendered for it
    // (no busy state, and the same outcome line twice is no change), so nothing the click renders
    // competes with the push the user waits for. A burst takes a while: it shows as busy.
    const burst = n > 1;
    if (burst) {
      setSent(null);
      setBusy(true);
    }
    setError(null);
    try {
      const result = await playground.send({ to, kind, body: kind === "chat-state" ? undefined : body, count: n });
      if (result.ok) setSent(`Sent ${result.value.length} ${result.value.length === 1 ? "message" : "messages"} to ${to === "bare" ? account : `${account}/${to}`}.`);
      else {
        setSent(null);
        setError(result.error);
      }
    } finally {
      if (burst) setBusy(false);
    }
  };

  const connectToggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (connected) await playground.disconnectSender();
      else {
        const r = await playground.connectSender();
        if (!r.ok) setError(r.error);
      }
    } finally {
      setBusy(false);
    }
  };

  return { busy, error, sent, send, connectToggle };
}
