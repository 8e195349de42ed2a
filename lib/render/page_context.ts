/**
 * What every server component may need about the current request: the translator, locale, the
 * signed-in user and the path. Provided once by `renderPage`; read with {@link usePage}.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { User } from "../auth/users.ts";
import type { Locale, Translate } from "../i18n/i18n.ts";

export interface PageContextValue {
  t: Translate;
  locale: Locale;
  user: User | null;
  path: string;
  requestId: string;
}

export const PageContext = createContext<PageContextValue | null>(null);

export function usePage(): PageContextValue {
  const value = useContext(PageContext);
  if (!value) throw new Error("usePage() outside renderPage()");
  return value;
}
