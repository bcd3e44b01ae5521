/** `--away-shows`: the policy option on every virtual host (issue 12). */
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args";
import { DEFAULT_HOSTS } from "./index";
import { HostTable } from "./session/hosts";

describe("--away-shows", () => {
  it("sets awayShows on every default host, and the host table's policies read it", () => {
    const result = parseCliArgs(["--away-shows", "away,xa,dnd"]);
    if (result.kind !== "run") throw new Error(JSON.stringify(result));
    expect(result.options.hosts?.map((h) => [h.domain, h.policy, h.options?.awayShows])).toEqual(
      DEFAULT_HOSTS.map((h) => [h.domain, h.policy, ["away", "xa", "dnd"]]),
    );
    const table = new HostTable(result.options.hosts!);
    expect(table.require("ejabberd.localhost").options).toEqual({ awayShows: ["away", "xa", "dnd"], includeBody: true });
  });

  it("applies to --host-policy hosts whatever the order of the flags", () => {
    const result = parseCliArgs(["--away-shows=dnd,away", "--host-policy", "example.test=prosody"]);
    expect(result).toMatchObject({ kind: "run", options: { hosts: [{ domain: "example.test", policy: "prosody", options: { awayShows: ["away", "dnd"] } }] } });
  });

  it("leaves the defaults alone without the flag, and names a bad value", () => {
    expect(parseCliArgs([])).toMatchObject({ kind: "run", options: {} });
    expect(parseCliArgs(["--away-shows", "away,busy"])).toEqual({
      kind: "error",
      message: '--away-shows: "busy" is not a <show> value (choose from chat, away, xa, dnd)',
    });
  });
});
