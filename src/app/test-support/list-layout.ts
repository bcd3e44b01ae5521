import { afterEach, beforeEach } from "vitest";

/**
 * jsdom does no layout: give a virtual list (`.vlist`) the scroll height of its spacer, so "at the
 * end" means something (the shared DOM setup gives every element a 600 px viewport). Call it inside
 * a `describe`: it installs the stub before each test and restores jsdom's own after.
 */
export function useSpacerScrollHeight(): void {
  let restore: (() => void) | null = null;
  beforeEach(() => {
    const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "scrollHeight");
    Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
      configurable: true,
      get(this: HTMLElement) {
        const spacer = this.classList.contains("vlist") ? (this.firstElementChild as HTMLElement | null) : null;
        return spacer ? parseFloat(spacer.style.height) || 0 : 0;
      },
    });
    restore = () => {
      if (original) Object.defineProperty(HTMLElement.prototype, "scrollHeight", original);
      else delete (HTMLElement.prototype as { scrollHeight?: number }).scrollHeight;
    };
  });
  afterEach(() => {
    restore?.();
    restore = null;
  });
}
