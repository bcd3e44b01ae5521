/**
 * The enable linter for a console frame: a frame carrying an XEP-0357 `<enable>` is checked the way
 * the enable form is (src/protocol/stanzas/enable-lint.ts). Pure; the console only renders the result.
 */
import { NS } from "../../../protocol/ns";
import { lintEnableElement, type EnableLintContext, type EnableLintResult } from "../../../protocol/stanzas/enable-lint";
import { tryParseXml } from "../../../protocol/stanzas/parse";

/** Findings for the frame's enable, or null when the frame carries none (or is not one XML element). */
export function lintEnableFrame(text: string, ctx: EnableLintContext = {}): EnableLintResult | null {
  // Cheap test first: most frames are not enables, and the console re-renders often.
  if (!text.includes("<enable") || !text.includes(NS.push)) return null;
  const parsed = tryParseXml(text);
  return parsed.ok ? lintEnableElement(parsed.element, ctx) : null;
}
