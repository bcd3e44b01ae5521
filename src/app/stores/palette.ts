/**
 * Lane colours. Okabe-Ito based (distinguishable with the common colour-vision deficiencies) and
 * darkened where needed so each reaches 4.5:1 against white and is still legible on dark
 * backgrounds with a light text label; the UI always pairs colour with the lane's name.
 */
const RESOURCE_PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#B35A00", // orange (darkened)
  "#007A5A", // bluish green (darkened)
  "#B0457F", // reddish purple (darkened)
  "#8A6D00", // yellow-brown (darkened yellow)
  "#1F6FA8", // sky (darkened)
  "#A33A1A", // vermillion (darkened)
  "#4B5EAA", // indigo
];

export const SENDER_COLOUR = "#4B5563"; // slate
export const SINK_COLOUR = "#6D28D9"; // violet
export const SERVER_COLOUR = "#0F766E"; // teal
export const PLAYGROUND_COLOUR = "#374151";

/** The first palette colour not used yet; cycles when all are taken. */
export function pickColour(used: readonly string[]): string {
  const free = RESOURCE_PALETTE.find((c) => !used.includes(c));
  return free ?? RESOURCE_PALETTE[used.length % RESOURCE_PALETTE.length] ?? RESOURCE_PALETTE[0]!;
}
