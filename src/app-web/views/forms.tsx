import type { ComponentChildren, JSX } from 'preact';
import type { FieldError } from '../../errors.js';
import { messages } from '../messages.js';

/**
 * Form parts that show the API's own error messages next to the field they name: each control
 * is described by its error (aria-describedby) and marked invalid, and a summary at the top
 * links to every field in error.
 */

export function fieldId(name: string): string {
  return `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

/** @returns the errors naming this field or one of its parts (`answers` matches `answers.2`) */
export function errorsFor(errors: FieldError[], name: string): FieldError[] {
  return errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`));
}

export function ErrorSummary({ errors, labels = {} }: { errors: FieldError[]; labels?: Record<string, string> }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title">{messages.errors.summary}</h2>
      <ul>
        {errors.map((e) => (
          <li key={`${e.field}:${e.detail}`}>
            <a href={`#${fieldId(anchorOf(e.field, labels))}`}>{`${labels[e.field] ?? labels[e.field.split('.')[0]!] ?? e.field}: ${e.detail}`}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The field a summary link jumps to: the most specific one the form has a label for. */
function anchorOf(field: string, labels: Record<string, string>): string {
  return labels[field] !== undefined ? field : (field.split('.')[0] ?? field);
}

function ErrorText({ id, errors }: { id: string; errors: FieldError[] }) {
  if (errors.length === 0) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {errors.map((e) => e.detail).join('; ')}
    </p>
  );
}

function describedBy(id: string, hint: string | undefined, errors: FieldError[]): string | undefined {
  const ids = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

interface InputProps {
  name: string;
  /** The control's id, where a page has several forms with the same field names. */
  idBase?: string;
  /** The field errors are reported under, when it differs from the control's name. */
  errorField?: string;
  label: string;
  errors: FieldError[];
  value?: string | undefined;
  type?: 'text' | 'password' | 'number' | 'date' | 'datetime-local';
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'decimal' | 'text';
  step?: string;
  min?: string;
  max?: string;
  /** Marks a value the server filled in as its "now", which the page's script may replace with local time. */
  dataNow?: string;
}

export function TextInput(p: InputProps) {
  const id = p.idBase ?? fieldId(p.errorField ?? p.name);
  const errs = errorsFor(p.errors, p.errorField ?? p.name);
  // Preact types each input type separately; these attributes are valid for every one used here.
  const inputAttrs = {
    id,
    name: p.name,
    type: p.type ?? 'text',
    value: p.value ?? '',
    autocomplete: p.autocomplete,
    required: p.required,
    inputMode: p.inputMode,
    step: p.step,
    min: p.min,
    max: p.max,
    'aria-invalid': errs.length ? 'true' : undefined,
    'aria-describedby': describedBy(id, p.hint, errs),
    'data-now': p.dataNow,
  } as unknown as JSX.IntrinsicElements['input'];
  return (
    <div class={errs.length ? 'field invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      <ErrorText id={id} errors={errs} />
      <input {...inputAttrs} />
    </div>
  );
}

export function TextArea(p: { name: string; label: string; errors: FieldError[]; value?: string | undefined; hint?: string }) {
  const id = fieldId(p.name);
  const errs = errorsFor(p.errors, p.name);
  return (
    <div class={errs.length ? 'field invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      <ErrorText id={id} errors={errs} />
      <textarea id={id} name={p.name} rows={4} aria-invalid={errs.length ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, errs)}>
        {p.value ?? ''}
      </textarea>
    </div>
  );
}

export function Select(p: { name: string; label: string; errors: FieldError[]; options: [string, string][]; value?: string | undefined; hint?: string }) {
  const id = fieldId(p.name);
  const errs = errorsFor(p.errors, p.name);
  return (
    <div class={errs.length ? 'field invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      <ErrorText id={id} errors={errs} />
      <select id={id} name={p.name} aria-invalid={errs.length ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, errs)}>
        {p.options.map(([v, label]) => (
          <option key={v} value={v} selected={v === p.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group of radios or checkboxes in a fieldset, its legend naming the question. */
export function Choices(p: {
  name: string;
  legend: ComponentChildren;
  errors: FieldError[];
  options: [string, string][];
  multiple?: boolean;
  checked?: string[];
  hint?: string;
  inline?: boolean;
  /** The field errors are reported under, when it differs from the control's name. */
  errorField?: string;
  idBase?: string;
}) {
  const id = p.idBase ?? fieldId(p.errorField ?? p.name);
  const errs = errorsFor(p.errors, p.errorField ?? p.name);
  return (
    <fieldset id={id} class={`${errs.length ? 'field invalid' : 'field'}${p.inline ? ' inline-choices' : ''}`} aria-describedby={describedBy(id, p.hint, errs)}>
      <legend>{p.legend}</legend>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      <ErrorText id={id} errors={errs} />
      {p.options.map(([v, label], i) => (
        <div class="choice" key={v}>
          <input
            id={`${id}-${i}`}
            type={p.multiple ? 'checkbox' : 'radio'}
            name={p.name}
            value={v}
            checked={p.checked?.includes(v)}
          />
          <label for={`${id}-${i}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** A form that posts to the app (Origin-checked), with a submit button. */
export function PostForm(p: { action: string; submit: string; children?: ComponentChildren; class?: string; buttonClass?: string; buttonLabel?: string }) {
  return (
    <form method="post" action={p.action} class={p.class} novalidate>
      {p.children}
      <button type="submit" class={p.buttonClass} aria-label={p.buttonLabel}>
        {p.submit}
      </button>
    </form>
  );
}
