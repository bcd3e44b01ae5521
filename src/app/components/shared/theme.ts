import { useCallback, useEffect, useState } from "react";

/** `system` follows prefers-color-scheme; the others pin the theme through `data-theme` on <html>. */
export type ThemeChoice = "system" | "light" | "dark";

const STORAGE_KEY = "xpp.theme";
const CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];

function readThemeChoice(storage: Pick<Storage, "getItem"> | undefined = safeStorage()): ThemeChoice {
  const stored = storage?.getItem(STORAGE_KEY);
  return CHOICES.find((c) => c === stored) ?? "system";
}

function applyThemeChoice(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** The theme choice, persisted in localStorage and applied to <html>. */
export function useTheme(): [ThemeChoice, (next: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(() => readThemeChoice());
  useEffect(() => {
    applyThemeChoice(choice);
  }, [choice]);
  const update = useCallback((next: ThemeChoice) => {
    setChoice(next);
    try {
      safeStorage()?.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or a full quota: the choice still holds for this page.
    }
  }, []);
  return [choice, update];
}

/** The theme after the next click: system → light → dark → system. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length] ?? "system";
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
