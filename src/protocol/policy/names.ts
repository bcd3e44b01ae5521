/**
 * Whether a string names one of the four policies. Its own module, apart from `index.ts`, so a view
 * that only checks a name does not pull every policy into the page's first load (issue 14).
 */
import { POLICY_NAMES, type PolicyName } from "./types";

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}
