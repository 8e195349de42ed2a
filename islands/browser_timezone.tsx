/**
 * A hidden form field carrying the browser's IANA time zone, so a new account starts in the
 * right zone. Without JavaScript the field stays empty and the server keeps its default.
 */
import { useEffect, useState } from "preact/hooks";

export function BrowserTimezone({ name }: { name: string }) {
  const [zone, setZone] = useState("");
  useEffect(() => {
    setZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? "");
  }, []);
  return <input type="hidden" name={name} value={zone} />;
}
