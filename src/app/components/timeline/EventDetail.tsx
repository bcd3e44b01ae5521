import type { ReactNode } from "react";
import type { DataForm, PlaygroundError, TimelineEvent } from "../../model";
import { usePlayground } from "../../playground-context";
import { useStores, useTimelineStore } from "../../stores/hooks";
import { findEvent, selectSelectedEvent } from "../../stores/timeline";
import { describeAnswer, formatDateTime, KIND_LABELS, KIND_TONES } from "../shared/format";
import { LaneChip } from "../shared/LaneChip";
import { useLanes } from "../shared/lanes";
import { ExplanationCardView as ExplanationCard, StanzaXmlView as XmlView } from "../../lazy-views";
import { ExpectationDetail } from "./ExpectationDetail";
import { NoEventSelected } from "./NoEventSelected";

/** The right-hand detail of the selected timeline event: its fields, its links, its stanza. */
export function EventDetail() {
  const event = useTimelineStore(selectSelectedEvent);
  const needle = useTimelineStore((s) => s.filters.search);
  const lanes = useLanes();

  if (!event) return <NoEventSelected />;
  const lane = lanes.get(event.lane);
  return (
    <section className="detail" aria-label="Event detail">
      <div className="panel-header">
        <h2 className="row">
          <span className={`badge badge-${KIND_TONES[event.kind]}`}>{KIND_LABELS[event.kind]}</span>
          <LaneChip label={lane.label} colour={lane.colour} />
        </h2>
        <span className="muted small">{formatDateTime(event.at)}</span>
      </div>
      <p>{event.summary}</p>
      <dl>
        <Fields event={event} />
      </dl>
      <Links event={event} />
      {event.kind === "message-sent" || (event.kind === "raw-send" && event.element === "message") ? (
        <>
          <ExplanationCard eventId={event.id} />
          <ExpectationDetail eventId={event.id} />
        </>
      ) : null}
      {event.xml ? (
        <>
          <h3>Stanza</h3>
          <XmlView xml={event.xml} highlight={needle} label="Stanza XML" />
        </>
      ) : (
        <p className="muted small">This event has no stanza of its own.</p>
      )}
    </section>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  if (children === undefined || children === null || children === "") return null;
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ErrorItems({ error }: { error: PlaygroundError | undefined }) {
  if (!error) return null;
  return (
    <>
      <Item term="error">{error.message}</Item>
      <Item term="code">{error.code}</Item>
      <Item term="condition">{error.condition ? `${error.type ? `${error.type}/` : ""}${error.condition}` : undefined}</Item>
      <Item term="text">{error.text}</Item>
      <Item term="detail">{error.detail}</Item>
    </>
  );
}

function formItems(prefix: string, form: DataForm | null | undefined) {
  if (!form) return null;
  return (form.fields ?? []).map((f, i) => (
    <Item key={`${prefix}-${i}`} term={`${prefix} ${f.var}`}>
      {(f.values ?? []).join(", ")}
    </Item>
  ));
}

function Fields({ event: e }: { event: TimelineEvent }) {
  switch (e.kind) {
    case "connection":
      return (
        <>
          <Item term="status">{e.status}</Item>
          <Item term="jid">{e.jid}</Item>
          <Item term="stream management">{e.sm}</Item>
          <Item term="redelivered">{e.redelivered !== undefined ? String(e.redelivered) : undefined}</Item>
          <Item term="re-sent by the client">{e.resent !== undefined ? String(e.resent) : undefined}</Item>
          <ErrorItems error={e.error} />
        </>
      );
    case "error":
      return (
        <>
          <Item term="while">{e.operation}</Item>
          <ErrorItems error={e.error} />
        </>
      );
    case "presence":
      return (
        <>
          <Item term="direction">{e.direction === "out" ? "sent" : "received"}</Item>
          <Item term="type">{e.available ? "available" : "unavailable"}</Item>
          <Item term="show">{e.show ?? (e.available ? "(none: online)" : undefined)}</Item>
          <Item term="priority">{String(e.priority)}</Item>
          <Item term="status">{e.status}</Item>
          <Item term="from">{e.from}</Item>
          <Item term="to">{e.to}</Item>
        </>
      );
    case "disco":
      return (
        <>
          <Item term="target">{e.target}</Item>
          <Item term="jid">{e.jid}</Item>
          <Item term="outcome">{e.outcome}</Item>
          <Item term="features">{String(e.features?.length ?? 0)}</Item>
          <ErrorItems error={e.error} />
        </>
      );
    case "enable":
      return (
        <>
          <Item term="jid">{e.jid}</Item>
          <Item term="node">{e.node}</Item>
          <Item term="away">{e.away ? "true" : "false"}</Item>
          {formItems("option", e.publishOptions)}
          <Item term="outcome">{e.outcome}</Item>
          <ErrorItems error={e.error} />
        </>
      );
    case "disable":
      return (
        <>
          <Item term="jid">{e.jid}</Item>
          <Item term="node">{e.node ?? "(all nodes of this jid)"}</Item>
          <Item term="outcome">{e.outcome}</Item>
          <ErrorItems error={e.error} />
        </>
      );
    case "message-sent":
      return (
        <>
          <Item term="id">{e.messageId}</Item>
          <Item term="from">{e.from}</Item>
          <Item term="to">{e.to}</Item>
          <Item term="type">{e.messageType}</Item>
          <Item term="body">{e.body}</Item>
          <Item term="burst">{e.burst ? `${e.burst.index} of ${e.burst.count}` : undefined}</Item>
        </>
      );
    case "message-received":
      return (
        <>
          <Item term="id">{e.messageId ?? undefined}</Item>
          <Item term="from">{e.from}</Item>
          <Item term="to">{e.to}</Item>
          <Item term="type">{e.messageType}</Item>
          <Item term="body">{e.body}</Item>
          <Item term="delayed">{e.delayed ? "yes (offline delivery)" : undefined}</Item>
        </>
      );
    case "push":
      return (
        <>
          <Item term="node">{e.node ?? "(none)"}</Item>
          <Item term="from">{e.from}</Item>
          <Item term="iq id">{e.iqId}</Item>
          <Item term="message-count">{e.notification?.messageCount !== undefined ? String(e.notification.messageCount) : undefined}</Item>
          <Item term="last-message-sender">{e.notification?.lastMessageSender}</Item>
          <Item term="last-message-body">{e.notification?.lastMessageBody}</Item>
          <Item term="summary form type">{e.notification?.formType}</Item>
          {e.notification?.otherFields?.map((f, i) => (
            <Item key={`other-${i}`} term={f.var}>
              {(f.values ?? []).join(", ")}
            </Item>
          ))}
          {e.notification === null ? <Item term="summary">(no summary form)</Item> : null}
          {formItems("publish-option", e.publishOptions)}
          <Item term="sink answer">{describeAnswer(e.answer)}</Item>
          <Item term="malformed">{e.parseError}</Item>
          {e.linkMethod === "prediction" ? (
            // A push no message caused, tied to a presence by the policies' prediction: said as one.
            <Item term="cause (predicted, no decision log)">{e.linkDetail ?? "predicted"}</Item>
          ) : (
            <Item term="linked by">{e.linkMethod ? `${e.linkMethod}${e.linkDetail ? `: ${e.linkDetail}` : ""}` : undefined}</Item>
          )}
        </>
      );
    case "sink-answer":
      return (
        <>
          <Item term="iq id">{e.iqId}</Item>
          <Item term="answer">{describeAnswer(e.answer)}</Item>
        </>
      );
    case "remote-disable":
      return (
        <>
          <Item term="to">{e.to}</Item>
          <Item term="node">{e.node}</Item>
        </>
      );
    case "raw-send":
      return <Item term="element">{e.element}</Item>;
    case "decision":
      return (
        <>
          <Item term="seq">{String(e.seq)}</Item>
          <Item term="log kind">{e.logKind}</Item>
          <Item term="rule">{e.rule}</Item>
          <Item term="reason">{e.reason}</Item>
          <Item term="message id">{e.messageId ?? undefined}</Item>
        </>
      );
  }
}

/** Buttons to the related events (push → message, message → pushes, answer → push). */
function Links({ event: e }: { event: TimelineEvent }) {
  const stores = useStores();
  const playground = usePlayground();
  const lanes = useLanes();
  const state = stores.timeline.getState();
  const jump = (id: string) => playground.timeline.select(id);

  const links: { id: string; label: string }[] = [];
  const add = (id: string | undefined, role: string) => {
    if (!id) return;
    const target = findEvent(state, id);
    links.push({ id, label: target ? `${role}: ${target.summary}` : `${role} (not in this view)` });
  };
  if (e.kind === "push") add(e.causeEventId, e.linkMethod === "prediction" ? "Caused by (predicted)" : "Caused by");
  if (e.kind === "message-sent") (e.pushEventIds ?? []).forEach((id, i) => add(id, `Push ${i + 1}`));
  if (e.kind === "message-received") add(e.causeEventId, "Sent as");
  if (e.kind === "sink-answer") add(e.pushEventId, "Answer to");

  const receivers = e.kind === "message-sent" ? (e.receivedBy ?? []) : null;
  if (!links.length && !receivers && e.kind !== "push") return null;
  return (
    <div className="stack">
      {receivers ? (
        <p className="small">
          Received by:{" "}
          {receivers.length ? receivers.map((l) => lanes.get(l).label).join(", ") : "no session (stored offline or not delivered)"}
        </p>
      ) : null}
      {e.kind === "push" && !e.causeEventId ? (
        <p className="small muted">No sent message is linked to this push (it may come from a presence change or a message sent elsewhere).</p>
      ) : null}
      {links.map((l) => (
        <button key={l.id} type="button" className="btn btn-small truncate" onClick={() => jump(l.id)} disabled={!findEvent(state, l.id)}>
          {l.label}
        </button>
      ))}
    </div>
  );
}
