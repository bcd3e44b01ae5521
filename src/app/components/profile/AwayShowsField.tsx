import { DEFAULT_AWAY_SHOWS } from "../../../protocol/policy/away-shows";
import { SHOW_VALUES, type Show } from "../../../protocol/policy/types";
import { usePlayground } from "../../playground-context";
import { useProfileStore } from "../../stores/hooks";
import { Term, TERMS } from "../shared/Term";

/**
 * Which `<show>` values the server treats as away (issue 12): the reference server's
 * `--away-shows`, or what a real deployment does. Predictions and explanations use it.
 */
export function AwayShowsField() {
  const playground = usePlayground();
  const shows = useProfileStore((s) => s.profile.awayShows ?? DEFAULT_AWAY_SHOWS);
  const actions = playground.profile;
  const toggle = (show: Show, on: boolean) => {
    const next = SHOW_VALUES.filter((s) => (s === show ? on : shows.includes(s)));
    // An empty set would make every session online: keep at least one, as the server's flag does.
    if (next.length > 0) actions.update({ awayShows: next });
  };
  const isDefault = shows.length === DEFAULT_AWAY_SHOWS.length && DEFAULT_AWAY_SHOWS.every((s) => shows.includes(s));

  return (
    <fieldset className="section">
      <legend>
        Presence treated as <Term tip={TERMS.away}>away</Term>
      </legend>
      <div className="row" role="group" aria-label="Shows treated as away">
        {SHOW_VALUES.map((show) => (
          <label key={show} className="field-check">
            <input
              type="checkbox"
              checked={shows.includes(show)}
              disabled={shows.length === 1 && shows.includes(show)}
              onChange={(e) => toggle(show, e.target.checked)}
            />{" "}
            <code>{show}</code>
          </label>
        ))}
      </div>
      <p className="field-help">
        The predictions and explanations count a session with these shows as away. Match the server: the reference server&apos;s
        default is <code>away,xa</code>; start it with <code>--away-shows away,xa,dnd</code> (and tick <code>dnd</code> here) for
        deployments and clients that treat <code>dnd</code> as away.{isDefault ? "" : ` Now: ${shows.join(", ")}.`}
      </p>
    </fieldset>
  );
}
