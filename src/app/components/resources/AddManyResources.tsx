import { useState } from "react";
import { usePlayground } from "../../playground-context";
import { MAX_ADD_AT_ONCE } from "../../playground/lane-registry";

/** "Add N resources": many simulated devices in one action (each named by the next free rN). */
export function AddManyResources() {
  const playground = usePlayground();
  const [count, setCount] = useState("10");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const add = () => {
    const n = Number(count);
    const result = playground.addResources(n);
    setMessage(result.ok ? { error: false, text: `Added ${result.value.length} resources (offline: Connect all connects them).` } : { error: true, text: result.error.message });
  };
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        add();
      }}
    >
      <div className="field">
        <label htmlFor="add-many-count" className="field-label">
          Number of resources to add
        </label>
        <input
          id="add-many-count"
          className="input"
          type="number"
          min={1}
          max={MAX_ADD_AT_ONCE}
          step={1}
          value={count}
          aria-invalid={message?.error ? true : undefined}
          aria-describedby={message ? "add-many-message" : undefined}
          onChange={(e) => setCount(e.target.value)}
        />
      </div>
      <button type="submit" className="btn">
        Add {Number.isInteger(Number(count)) && Number(count) > 0 ? Number(count) : "N"} resources
      </button>
      {message ? (
        <p id="add-many-message" className={message.error ? "field-error" : "small muted"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
