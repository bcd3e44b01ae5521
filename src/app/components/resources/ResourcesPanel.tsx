import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { usePlayground } from "../../playground-context";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import { EmptyState } from "../shared/EmptyState";
import { Term, TERMS } from "../shared/Term";
import { AddManyResources } from "./AddManyResources";
import { OutsideLanes } from "./OutsideLanes";
import { ResourceList } from "./ResourceList";

/** The account's simulated devices: add any number, each with its own lane colour and presence. */
export function ResourcesPanel() {
  const playground = usePlayground();
  // Ids and counts only: a session's change re-renders its own card (ResourceList), not the panel.
  const ids = useSessionsStore(useShallow((s) => s.order.filter((id) => s.sessions[id]?.role === "resource")));
  const online = useSessionsStore((s) => s.order.filter((id) => s.sessions[id]?.role === "resource" && s.sessions[id].status === "online").length);
  const receiving = useSessionsStore((s) => s.order.filter((id) => s.sessions[id]?.role === "resource" && s.sessions[id].receiving).length);
  const account = useProfileStore((s) => `${s.profile.account.username}@${s.profile.domain}`);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  const add = () => {
    const result = playground.addResource(name.trim() || undefined);
    if (result.ok) {
      setName("");
      setError(null);
    } else {
      setError(result.error.message);
    }
  };

  return (
    <section className="column-inner stack" aria-label="Resources">
      <div className="panel">
        <div className="panel-header">
          <h2>Resources</h2>
          <span className="muted small">
            {ids.length} · {online} connected · {receiving} <Term tip={TERMS.receiving}>receiving</Term>
          </span>
        </div>
        <p className="panel-intro">
          Sessions of <code>{account}</code>, one per simulated device. Connect them, then set presence: who is{" "}
          <Term tip={TERMS.online}>online</Term> or <Term tip={TERMS.away}>away</Term> decides whether a message is pushed.
        </p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <div className="field">
            <label htmlFor="new-resource-name" className="field-label">
              New resource name
            </label>
            <input
              id="new-resource-name"
              className="input mono"
              value={name}
              placeholder="next free rN"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "new-resource-error" : undefined}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <button type="submit" className="btn">
            Add resource
          </button>
        </form>
        {error ? (
          <p id="new-resource-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <AddManyResources />
      </div>
      {ids.length === 0 ? (
        <EmptyState title="No resources yet">
          Add a resource (e.g. <code>phone</code>, <code>laptop</code>), connect it, and send presence. Then enable push from
          it in the Push tab.
        </EmptyState>
      ) : (
        <ResourceList ids={ids} />
      )}
      <OutsideLanes />
    </section>
  );
}
