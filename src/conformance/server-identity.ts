/**
 * Which server a run talks to, read from the domain's disco#info identity (`server/im`): Prosody
 * names itself "Prosody", ejabberd "ejabberd", Tigase "Tigase …", and the reference server states
 * the policy of the virtual host. The account disco's decision-log feature marks the reference
 * server too. Pure.
 */
import { NS } from "../protocol/ns";
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";

export type ServerKind = "reference" | "prosody" | "ejabberd" | "tigase" | "unknown";

export interface ServerIdentity {
  kind: ServerKind;
  /** The `server` identity's name as given, null when there was none. */
  name: string | null;
  /** The policy of §0.2 this server implements or states, null when it does not tell. */
  policy: PolicyName | null;
}

export interface DiscoIdentityLike {
  category: string;
  type: string;
  name?: string;
}

const REFERENCE_NAME = /XMPP Push Playground reference server/i;
const STATED_POLICY = /\((\w+) policy\)/;

export function identifyServer(domainIdentities: readonly DiscoIdentityLike[] | null, accountFeatures: readonly string[] | null): ServerIdentity {
  const server = (domainIdentities ?? []).find((i) => i.category === "server" && i.name !== undefined && i.name !== "");
  const name = server?.name ?? null;
  if (name !== null && REFERENCE_NAME.test(name)) return { kind: "reference", name, policy: statedPolicy(name) };
  if (name !== null && /prosody/i.test(name)) return { kind: "prosody", name, policy: "prosody" };
  if (name !== null && /ejabberd/i.test(name)) return { kind: "ejabberd", name, policy: "ejabberd" };
  // The `tigase` policy models Tigase with the away bean on; without it only its other rules apply.
  if (name !== null && /tigase/i.test(name)) return { kind: "tigase", name, policy: "tigase" };
  if (accountFeatures?.includes(NS.decisions)) return { kind: "reference", name, policy: null };
  return { kind: "unknown", name, policy: null };
}

function statedPolicy(name: string): PolicyName | null {
  const stated = STATED_POLICY.exec(name)?.[1];
  return POLICY_NAMES.find((p) => p === stated) ?? null;
}

/** How reports name the server: `Prosody`, `ejabberd`, `Tigase`, `reference server (prosody policy)`. */
export function serverLabel(server: ServerIdentity): string {
  switch (server.kind) {
    case "prosody":
      return "Prosody";
    case "ejabberd":
      return "ejabberd";
    case "tigase":
      return "Tigase";
    case "reference":
      return server.policy ? `reference server (${server.policy} policy)` : "reference server";
    case "unknown":
      return server.name ? `'${server.name}'` : "unknown server";
  }
}
