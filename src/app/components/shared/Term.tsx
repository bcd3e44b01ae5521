import { useId, type ReactNode } from "react";

/**
 * A protocol term with a tooltip (hover or keyboard focus). The explanation is linked with
 * aria-describedby so screen readers read it after the term, and it stays plain text.
 */
export function Term({ children, tip }: { children: ReactNode; tip: string }) {
  const id = useId();
  return (
    <span className="term-wrap">
      <span className="term" tabIndex={0} aria-describedby={id}>
        {children}
      </span>
      {/* aria-hidden keeps the tip out of the names of labels and headings around the term;
          aria-describedby still reads it. */}
      <span role="tooltip" id={id} className="tooltip" aria-hidden="true">
        {tip}
      </span>
    </span>
  );
}

/** Shared explanations, so every panel says the same thing (docs/push-semantics.md §0.1). */
export const TERMS = {
  receiving:
    "Receiving: the session sent available presence with priority ≥ 0, so it gets messages sent to the bare JID (RFC 6121 §8.5.2.1.1).",
  away: "Away: a receiving session whose <show> is away or xa (dnd too if the server is configured so). With no online session, only registrations enabled with away=true are pushed (spec policy).",
  online: "Online: a receiving session whose <show> is absent, chat, or dnd (unless dnd counts as away). While one exists, the spec policy sends no push.",
  registration:
    "Registration: one enable (push service jid + node, away flag, publish-options). The same jid+node enabled again replaces it whole.",
  sink: "App Server sink: a session of a second account at a FULL JID that receives the server's pubsub publish iq and answers result, an error, or nothing (timeout).",
  node: "Node: the pubsub node the server publishes to; the App Server uses it to find the device. Any opaque string.",
  publishOptions:
    "Publish-options: a data form sent with enable (e.g. secret) that the server echoes in every publish to the App Server.",
  priority: "Priority: −128…127. Negative priority means the session does not receive messages sent to the bare JID.",
} as const;
