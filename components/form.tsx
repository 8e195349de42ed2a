/** Accessible form pieces: labelled fields with hints and inline errors, notices. */
import type { ComponentChildren } from "preact";

export type FieldErrors = Partial<Record<string, string>>;

export interface FieldProps {
  id: string;
  name: string;
  label: string;
  type?: string;
  value?: string | number | null;
  hint?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  inputMode?: "numeric" | "decimal" | "email" | "text";
  min?: number;
  max?: number;
  step?: number | string;
  maxLength?: number;
}

export function Field(props: FieldProps) {
  const describedBy = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        min={props.min}
        max={props.max}
        step={props.step}
        maxLength={props.maxLength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      {props.hint && <p id={`${props.id}-hint`} class="field-hint">{props.hint}</p>}
      {props.error && <p id={`${props.id}-error`} class="field-error">{props.error}</p>}
    </div>
  );
}

export interface SelectProps {
  id: string;
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  hint?: string;
  error?: string;
}

export function Select(props: SelectProps) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.name}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.hint && <p id={`${props.id}-hint`} class="field-hint">{props.hint}</p>}
      {props.error && <p class="field-error">{props.error}</p>}
    </div>
  );
}

export function Notice(
  { kind = "info", children }: { kind?: "info" | "success" | "error"; children: ComponentChildren },
) {
  return (
    <div class={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
