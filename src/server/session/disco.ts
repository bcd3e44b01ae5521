/**
 * XEP-0030 answers the server gives itself: the domain (server/im) and the account's bare JID
 * for its owner (account/registered, docs/push-semantics.md A.1). Push features come from the host's policy.
 */
import { NS } from "../../protocol/ns";
import type { DiscoInfo } from "../../protocol/stanzas/disco";
import type { Host } from "./hosts";

export function domainDiscoInfo(host: Host): DiscoInfo {
  return {
    // The policy in the name lets a conformance run judge a host under the policy it models
    // (src/conformance/server-identity.ts), as Prosody and ejabberd are told apart by theirs.
    identities: [{ category: "server", type: "im", name: `XMPP Push Playground reference server (${host.policy.name} policy)` }],
    features: unique([NS.discoInfo, NS.discoItems, NS.ping, ...host.policy.domainFeatures()]),
  };
}

/**
 * The account's own view. Besides the policy's push features it lists the decision-log namespace,
 * so the playground can tell it talks to this reference server and fetch the log (log-iq.ts).
 */
export function accountDiscoInfo(host: Host): DiscoInfo {
  return {
    identities: [{ category: "account", type: "registered" }],
    features: unique([NS.discoInfo, ...host.policy.accountFeatures(), NS.decisions]),
  };
}

function unique(features: string[]): string[] {
  return [...new Set(features)];
}
