/** XEP-0030 disco#info, as used for push discovery (XEP-0357 §5, docs/push-semantics.md A.1). */
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import { parseStanzaError } from "./errors";
import { buildIq } from "./iq";
import { attrOf, el, findChild, findChildren, isElement, localName } from "./xml-util";

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
}

export interface DiscoInfo {
  identities: DiscoIdentity[];
  features: string[];
}

export function buildDiscoInfoQuery({ to, id, node }: { to: string; id?: string; node?: string }): Element {
  return buildIq({ type: "get", to, id }, el("query", { xmlns: NS.discoInfo, node }));
}

/** The result for a disco#info request: same id, from/to swapped, the request's node echoed. */
export function buildDiscoInfoResult(request: Element, info: DiscoInfo): Element {
  const query = findChild(request, "query", NS.discoInfo);
  return buildIq(
    { type: "result", id: attrOf(request, "id"), from: attrOf(request, "to"), to: attrOf(request, "from") },
    el(
      "query",
      { xmlns: NS.discoInfo, node: query ? attrOf(query, "node") : undefined },
      ...info.identities.map((i) => el("identity", { category: i.category, type: i.type, name: i.name })),
      ...info.features.map((f) => el("feature", { var: f })),
    ),
  );
}

/**
 * Identities and features of a disco#info result. Identities without category or type and features
 * without var are skipped; duplicate features are listed once. Never throws.
 */
export function parseDiscoInfo(iq: Element): DiscoInfo | { error: string } {
  if (!isElement(iq) || localName(iq) !== "iq") return { error: "not an <iq>" };
  const type = attrOf(iq, "type");
  if (type === "error") {
    const spec = parseStanzaError(iq);
    return { error: `disco#info failed: ${spec ? `${spec.type}/${spec.condition}${spec.text ? ` (${spec.text})` : ""}` : "error without condition"}` };
  }
  if (type !== "result") return { error: `iq type is '${type ?? "(none)"}', expected 'result'` };
  const query = findChild(iq, "query", NS.discoInfo);
  if (!query) return { error: `no <query xmlns='${NS.discoInfo}'> in the result` };
  const identities: DiscoIdentity[] = [];
  for (const identity of findChildren(query, "identity", NS.discoInfo)) {
    const category = attrOf(identity, "category");
    const identityType = attrOf(identity, "type");
    if (!category || !identityType) continue;
    const name = attrOf(identity, "name");
    identities.push(name !== undefined ? { category, type: identityType, name } : { category, type: identityType });
  }
  const features: string[] = [];
  for (const feature of findChildren(query, "feature", NS.discoInfo)) {
    const name = attrOf(feature, "var");
    if (name && !features.includes(name)) features.push(name);
  }
  return { identities, features };
}

/** The two features the playground gates on: XEP-0357 itself and Tigase's away extension. */
export const PUSH_FEATURES = [NS.push, NS.pushAway] as const;

export type FeatureClass = "push" | "push-away" | "tigase-push" | "other";

export function classifyFeature(feature: string): FeatureClass {
  if (feature === NS.push) return "push";
  if (feature === NS.pushAway) return "push-away";
  if (feature.startsWith("tigase:push:")) return "tigase-push";
  return "other";
}
