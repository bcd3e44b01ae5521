/** The four push policies (docs/push-semantics.md §0.2) by name. */
import { ejabberdPolicy } from "./ejabberd";
import { prosodyPolicy } from "./prosody";
import { specPolicy } from "./spec";
import { tigasePolicy } from "./tigase";
import { isPolicyName } from "./names";
import { POLICY_NAMES, type PolicyName, type PushPolicy } from "./types";

export const POLICIES: Readonly<Record<PolicyName, PushPolicy>> = {
  spec: specPolicy,
  tigase: tigasePolicy,
  prosody: prosodyPolicy,
  ejabberd: ejabberdPolicy,
};

/** Accepts any string so configuration (CLI flags, URLs) can pass through; unknown names throw. */
export function getPolicy(name: string): PushPolicy {
  if (!isPolicyName(name)) throw new Error(`unknown push policy '${name}' (known: ${POLICY_NAMES.join(", ")})`);
  return POLICIES[name];
}

export { specPolicy, tigasePolicy, prosodyPolicy, ejabberdPolicy, isPolicyName };
