/**
 * The playground's refusal of typed text XML does not allow (src/protocol/xml-text.ts): checked
 * before anything is sent, so a stray control character gets a message naming the field, the
 * character and its position instead of a `not-well-formed` stream error that ends the session.
 */
import { xmlTextProblem } from "../../protocol/xml-text";
import type { PlaygroundError } from "../model";

/** The first field, in order, whose text XML does not allow, as a `bad-input` error; null when all are fine. */
export function xmlTextError(...fields: readonly (readonly [value: string | undefined, field: string])[]): PlaygroundError | null {
  for (const [value, field] of fields) {
    const problem = value === undefined ? null : xmlTextProblem(value, field);
    if (problem) return { code: "bad-input", message: problem.message };
  }
  return null;
}
