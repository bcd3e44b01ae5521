/** Why a message was (not) pushed, and which single user change would have flipped it (issue 9). */
export { explain } from "./card";
export { counterfactuals, summarize, type CounterfactualOptions } from "./counterfactuals";
export { applyChange, changeClause, sendKindOf } from "./changes";
export { explanationMarkdown, escapeMarkdown } from "./markdown";
export { ruleTitle, POLICY_GIST } from "./rules";
export type * from "./types";
