/**
 * Shared DOM setup for component tests (import it first in a `// @vitest-environment jsdom` file).
 * jsdom does no layout, so scroll containers report a fixed viewport: the virtualized lists then
 * render a realistic window of rows instead of none.
 */
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

export const TEST_VIEWPORT = { width: 800, height: 600 };

if (typeof HTMLElement !== "undefined") {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get() {
      return TEST_VIEWPORT.height;
    },
  });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", {
    configurable: true,
    get() {
      return TEST_VIEWPORT.width;
    },
  });
  if (!HTMLElement.prototype.scrollTo) {
    HTMLElement.prototype.scrollTo = function scrollTo(this: HTMLElement, options?: ScrollToOptions | number, y?: number) {
      const top = typeof options === "number" ? y : options?.top;
      if (typeof top === "number") this.scrollTop = top;
      this.dispatchEvent(new Event("scroll"));
    } as typeof HTMLElement.prototype.scrollTo;
  }
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});
