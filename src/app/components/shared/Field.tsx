import { useId, type ReactNode } from "react";

interface FieldShellProps {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  error?: string | null;
  children: ReactNode;
  className?: string;
}

function describedBy(id: string, help: ReactNode, error: string | null | undefined): string | undefined {
  const ids = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function FieldShell({ id, label, help, error, children, className }: FieldShellProps) {
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id} className="field-label">{label}</label>
      {children}
      {help ? <div id={`${id}-help`} className="field-help">{help}</div> : null}
      {error ? <div id={`${id}-error`} className="field-error" role="alert">{error}</div> : null}
    </div>
  );
}

export interface TextFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  help?: ReactNode;
  error?: string | null;
  type?: "text" | "password" | "url" | "number" | "search";
  placeholder?: string;
  disabled?: boolean;
  required?: boolean;
  autoComplete?: string;
  mono?: boolean;
  min?: number;
  max?: number;
  className?: string;
  /** Accessible name when the visible label is not the right one (e.g. repeated rows). */
  ariaLabel?: string;
  onEnter?: () => void;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  const { label, value, onChange, help, error, type = "text", mono, onEnter } = props;
  return (
    <FieldShell id={id} label={label} help={help} error={error} className={props.className}>
      <input
        id={id}
        className={`input${mono ? " mono" : ""}`}
        type={type}
        value={value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        required={props.required}
        autoComplete={props.autoComplete ?? "off"}
        spellCheck={false}
        min={props.min}
        max={props.max}
        aria-label={props.ariaLabel}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, help, error)}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={
          onEnter
            ? (e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  onEnter();
                }
              }
            : undefined
        }
      />
    </FieldShell>
  );
}

export interface CheckboxFieldProps {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: ReactNode;
  disabled?: boolean;
  className?: string;
}

export function CheckboxField({ label, checked, onChange, help, disabled, className }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={`field field-check${className ? ` ${className}` : ""}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={help ? `${id}-help` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {help ? <div id={`${id}-help`} className="field-help">{help}</div> : null}
    </div>
  );
}
