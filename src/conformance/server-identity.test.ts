// Telling servers apart by their domain disco#info identity.
import { describe, expect, it } from "vitest";
import { NS } from "../protocol/ns";
import { identifyServer, serverLabel } from "./server-identity";

const server = (name: string) => [{ category: "server", type: "im", name }];

describe("identifyServer", () => {
  it("recognises Prosody, ejabberd and Tigase by their server identity's name", () => {
    expect(identifyServer(server("Prosody"), [NS.push])).toEqual({ kind: "prosody", name: "Prosody", policy: "prosody" });
    expect(identifyServer(server("ejabberd"), [NS.push])).toEqual({ kind: "ejabberd", name: "ejabberd", policy: "ejabberd" });
    expect(identifyServer(server("Tigase ver. 8.4.0"), [NS.push, NS.pushAway])).toEqual({ kind: "tigase", name: "Tigase ver. 8.4.0", policy: "tigase" });
  });

  it("reads the policy the reference server states for the host", () => {
    for (const policy of ["spec", "tigase", "prosody", "ejabberd"] as const) {
      expect(identifyServer(server(`XMPP Push Playground reference server (${policy} policy)`), null)).toEqual({
        kind: "reference",
        name: `XMPP Push Playground reference server (${policy} policy)`,
        policy,
      });
    }
    expect(identifyServer(server("XMPP Push Playground reference server (nonsense policy)"), null).policy).toBeNull();
  });

  it("knows the reference server by its decision-log feature when the identity says nothing", () => {
    expect(identifyServer([], [NS.push, NS.decisions])).toEqual({ kind: "reference", name: null, policy: null });
  });

  it("ignores identities that are not the server's and reports an unknown server without a policy", () => {
    expect(identifyServer([{ category: "pubsub", type: "pep", name: "Prosody PEP" }], [NS.push])).toEqual({ kind: "unknown", name: null, policy: null });
    expect(identifyServer(server("Openfire"), [NS.push])).toEqual({ kind: "unknown", name: "Openfire", policy: null });
    expect(identifyServer(null, null)).toEqual({ kind: "unknown", name: null, policy: null });
  });
});

describe("serverLabel", () => {
  it("names servers for reports", () => {
    expect(serverLabel({ kind: "prosody", name: "Prosody", policy: "prosody" })).toBe("Prosody");
    expect(serverLabel({ kind: "reference", name: null, policy: "tigase" })).toBe("reference server (tigase policy)");
    expect(serverLabel({ kind: "unknown", name: "Openfire", policy: null })).toBe("'Openfire'");
    expect(serverLabel({ kind: "unknown", name: null, policy: null })).toBe("unknown server");
  });
});
