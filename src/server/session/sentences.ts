/** Small pieces of the decision record's sentences, shared by the session manager and the push module. */

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
