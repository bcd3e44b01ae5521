/**
 * The cheap part of the share link (src/app/share/link.ts): finding and removing `setup=` in a
 * location hash. The page reads the hash at start with this alone, so the codec and the setup
 * validation are fetched only when a link is actually opened (issue 14: a small first load).
 */

export const FRAGMENT_KEY = "setup";
/** Inflated JSON larger than this is refused while inflating (a deflate bomb stops there); a setup file too. */
export const MAX_JSON_BYTES = 64_000;

/** The setup's encoded part of a location hash (`#a&setup=…` or `#setup=…`), or null when it has none. */
export function setupParam(hash: string): string | null {
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of body.split("&")) {
    if (part.startsWith(`${FRAGMENT_KEY}=`)) return part.slice(FRAGMENT_KEY.length + 1);
  }
  return null;
}

/** The URL with the setup parameter taken out of its fragment (other fragment parameters kept). */
export function withoutSetup(href: string): string {
  const url = new URL(href);
  const rest = url.hash.replace(/^#/, "").split("&").filter((p) => p !== "" && !p.startsWith(`${FRAGMENT_KEY}=`));
  url.hash = rest.join("&");
  return url.toString();
}
