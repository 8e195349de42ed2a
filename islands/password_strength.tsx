/**
 * A password field that checks the rules as you type. Without JavaScript it is a plain password
 * input; the server enforces the same rules (lib/auth/password_policy.ts).
 */
import { useSignal } from "@preact/signals";
import { checkPassword } from "../lib/auth/password_policy.ts";

export interface PasswordStrengthProps {
  id: string;
  name: string;
  label: string;
  autocomplete: "new-password" | "current-password";
  labels: { length: string; letter: string; other: string; strength: string; levels: string[] };
  error?: string;
}

export function PasswordStrength(props: PasswordStrengthProps) {
  const value = useSignal("");
  const check = checkPassword(value.value);
  const hintId = `${props.id}-rules`;
  const level = value.value === "" ? 0 : check.score;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="password"
        required
        minLength={10}
        maxLength={200}
        autocomplete={props.autocomplete}
        aria-describedby={hintId}
        aria-invalid={props.error ? "true" : undefined}
        onInput={(event) => (value.value = (event.target as HTMLInputElement).value)}
      />
      {props.error && <p class="field-error">{props.error}</p>}
      <meter
        class="strength"
        min={0}
        max={4}
        low={2}
        high={3}
        optimum={4}
        value={level}
        aria-label={props.labels.strength}
      />
      <span class="strength-label" aria-live="polite">
        {value.value === "" ? "" : props.labels.levels[check.score - 1] ?? props.labels.levels[0]}
      </span>
      <ul id={hintId} class="rules">
        <li data-ok={String(check.length)}>{props.labels.length}</li>
        <li data-ok={String(check.letter)}>{props.labels.letter}</li>
        <li data-ok={String(check.other)}>{props.labels.other}</li>
      </ul>
    </div>
  );
}
