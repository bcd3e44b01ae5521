/**
 * Why a message was (not) pushed, and which single user change would have flipped it (issue 9).
 *
 * - `explain(input, decision, facts)`: the explanation card (state, rule, outcome per registration,
 *   a one- or two-sentence headline). `input` is what the policy decided on: the reference server's
 *   decision record, or the playground's snapshot when predicting for a real server
 *   (`facts.source` says which).
 * - `counterfactuals(input, policy, options)`: the changes that flip the outcome, each re-judged by
 *   the policies, most relevant first. A UI's "Try it" maps each `Change` onto playground actions:
 *   set-presence → setPresence; disconnect → disconnectResource; kill-app → killResource;
 *   resume → resumeResource; connect-resource → addResource + setPresenceOnConnect +
 *   connectResource; re-enable / enable → enable from `byResource` (connected first if needed; for
 *   `byResourceStays: false`, disconnected afterwards); disable → disable; send → send; policy → the
 *   reference server's policy.
 * - `applyChange(input, change, policy)`: the same change on the recorded input (what "Try it" sets up).
 * - `explanationMarkdown(card, counterfactuals)`: "copy as Markdown", with untrusted text escaped.
 */
export { explain } from "./card";
export { counterfactuals, summarize, type CounterfactualOptions } from "./counterfactuals";
export { applyChange, changeClause, sendKindOf } from "./changes";
export { explanationMarkdown, escapeMarkdown } from "./markdown";
export { ruleTitle, POLICY_GIST } from "./rules";
export type * from "./types";
