import VscodeCheckbox from '@vscode-elements/react-elements/dist/components/VscodeCheckbox.js';
import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import VscodeTextarea from '@vscode-elements/react-elements/dist/components/VscodeTextarea.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { FormFieldDto } from '../../src/protocol/dagFormSchemaDto';
import type { ProblemDto } from '../../src/protocol/dagGraphDto';
import type { JsonValue } from '../../src/protocol/jsonValue';
import { describeSchedule, SCHEDULE_PRESETS } from './describeSchedule';
import { formatFieldValue, parseFieldInput } from './parseFieldInput';

/** A value that applies when the field is empty, and where it comes from ("default_args", "default"). */
export interface InheritedValue {
  value: JsonValue;
  source: string;
}

export interface FormFieldProps {
  field: FormFieldDto;
  /** The value in the document; undefined when the key is absent. */
  value: JsonValue | undefined;
  inherited?: InheritedValue | undefined;
  /** The host's problems about this field. */
  problems: readonly ProblemDto[];
  readOnly: boolean;
  /** Writes a value, or removes the key with undefined. */
  onCommit(value: JsonValue | undefined): void;
  /** Opens the field's code in an editor tab; shown for code fields that have a language. */
  onEditCode?: (() => void) | undefined;
  label?: string;
}

/** Typing pauses this long before the value is written, so the canvas and the text follow along. */
const COMMIT_DELAY_MS = 600;

/**
 * One generated form field: the input its kind calls for (VS Code-styled web components), the
 * schema's description, and validation messages: what the field can tell on its own at once, and
 * the host's problems about the value once written. While the user types, the field keeps their
 * text (the document's echo never overwrites it); it is written after a pause, on Enter and on
 * leaving the field, each time as one undoable edit.
 */
export function FormField({ field, value, inherited, problems, readOnly, onCommit, onEditCode, label }: FormFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [localError, setLocalError] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ draft, value, onCommit, field });
  useLayoutEffect(() => {
    latest.current = { draft, value, onCommit, field };
  });

  const commit = (text: string): boolean => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const { field: current, value: written, onCommit: write } = latest.current;
    const parsed = parseFieldInput(current, text);
    if (!parsed.ok) {
      setLocalError(parsed.message);
      return false;
    }
    setLocalError(undefined);
    if (JSON.stringify(parsed.value) !== JSON.stringify(written)) write(parsed.value);
    return true;
  };

  // A field removed while a write is pending (another task selected) still writes what was typed.
  useEffect(
    () => () => {
      if (timer.current !== undefined && latest.current.draft !== undefined) commit(latest.current.draft);
    },
    [],
  );

  const onText = (text: string): void => {
    setDraft(text);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => commit(text), COMMIT_DELAY_MS);
  };
  const onLeave = (): void => {
    if (draft === undefined) return;
    if (commit(draft)) setDraft(undefined);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    const multiline = field.kind === 'code' || field.kind === 'json';
    if (event.key === 'Enter' && (!multiline || event.ctrlKey || event.metaKey) && draft !== undefined) {
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Escape' && draft !== undefined) {
      clearTimeout(timer.current);
      setDraft(undefined);
      setLocalError(undefined);
      event.stopPropagation();
    }
  };

  const text = draft ?? formatFieldValue(field, value);
  const placeholder = inherited === undefined ? exampleOf(field) : `${formatFieldValue(field, inherited.value)} (${inherited.source})`;
  const invalid = localError !== undefined || problems.length > 0;
  const describedBy = `${id}-help`;

  let input;
  switch (field.kind) {
    case 'boolean': {
      const checked = typeof value === 'boolean' ? value : inherited?.value === true;
      input = (
        <VscodeCheckbox
          id={id}
          checked={checked}
          disabled={readOnly}
          aria-describedby={describedBy}
          onChange={(event) => onCommit((event.target as HTMLInputElement).checked)}
        >
          {value === undefined && inherited !== undefined ? `${checked ? 'on' : 'off'} (${inherited.source})` : checked ? 'on' : 'off'}
        </VscodeCheckbox>
      );
      break;
    }
    case 'enum':
      input = (
        <VscodeSingleSelect
          id={id}
          value={value === undefined ? '' : String(value)}
          disabled={readOnly}
          invalid={invalid}
          aria-describedby={describedBy}
          onChange={(event) => {
            const selected = (event.target as HTMLSelectElement).value;
            if (selected === '') onCommit(undefined);
            else commit(selected);
          }}
        >
          <VscodeOption value="">
            {inherited === undefined ? '(not set)' : `${formatFieldValue(field, inherited.value)} (${inherited.source})`}
          </VscodeOption>
          {(field.options ?? []).map((option) => (
            <VscodeOption key={String(option.value)} value={String(option.value)} description={option.description ?? ''}>
              {String(option.value)}
            </VscodeOption>
          ))}
        </VscodeSingleSelect>
      );
      break;
    case 'code':
    case 'json':
      input = (
        <VscodeTextarea
          id={id}
          className="form-code"
          value={text}
          placeholder={placeholder}
          monospace
          rows={Math.min(14, Math.max(field.kind === 'code' ? 4 : 3, text.split('\n').length + 1))}
          resize="vertical"
          readonly={readOnly}
          invalid={invalid}
          spellCheck={false}
          aria-describedby={describedBy}
          onInput={(event) => onText((event.target as HTMLTextAreaElement).value)}
          onBlur={onLeave}
          onKeyDown={onKeyDown}
        />
      );
      break;
    case 'schedule':
      input = (
        <div className="form-schedule">
          <VscodeTextfield
            id={id}
            value={text}
            placeholder="none: runs only when triggered"
            readonly={readOnly}
            invalid={invalid}
            aria-describedby={describedBy}
            onInput={(event) => onText((event.target as HTMLInputElement).value)}
            onBlur={onLeave}
            onKeyDown={onKeyDown}
          />
          <VscodeSingleSelect
            // Remounted when the schedule changes, so that it reads "Presets…" again after a pick.
            key={JSON.stringify(value ?? null)}
            aria-label="Schedule presets"
            value=""
            disabled={readOnly}
            onChange={(event) => {
              const picked = (event.target as HTMLSelectElement).value;
              if (picked === 'none') onCommit(null);
              else if (picked !== '') commit(picked);
              setDraft(undefined);
            }}
          >
            <VscodeOption value="">Presets…</VscodeOption>
            <VscodeOption value="none">None (manual only)</VscodeOption>
            {SCHEDULE_PRESETS.map((p) => (
              <VscodeOption key={p.preset} value={p.preset} description={describeSchedule(p.preset).text}>
                {p.preset}
              </VscodeOption>
            ))}
          </VscodeSingleSelect>
        </div>
      );
      break;
    default:
      input = (
        <VscodeTextfield
          id={id}
          type={field.kind === 'integer' || field.kind === 'number' ? 'number' : 'text'}
          value={text}
          placeholder={placeholder}
          readonly={readOnly}
          invalid={invalid}
          aria-describedby={describedBy}
          onInput={(event) => onText((event.target as HTMLInputElement).value)}
          onBlur={onLeave}
          onKeyDown={onKeyDown}
        />
      );
  }

  const schedule = field.kind === 'schedule' ? describeSchedule(draft ?? (typeof value === 'string' ? value : null)) : undefined;
  return (
    <div className={`form-field form-field-${field.kind}`} data-field={field.key}>
      <div className="form-label-row">
        <label htmlFor={id} className="form-label" title={field.description}>
          {label ?? field.key}
          {field.required && (
            <span className="form-required" title="required">
              {' '}
              *
            </span>
          )}
        </label>
        {onEditCode && (
          <button
            type="button"
            className="canvas-link"
            onClick={onEditCode}
            title="Open in an editor tab with language support; saving it writes it back into the DAG file."
          >
            Edit code
          </button>
        )}
      </div>
      {input}
      {schedule && <div className={schedule.valid ? 'form-note' : 'form-error'}>{schedule.text}</div>}
      {localError && (
        <div className="form-error" role="alert">
          {localError}
        </div>
      )}
      {problems.map((problem, index) => (
        <div key={index} className={problem.severity === 'error' ? 'form-error' : 'form-warning'}>
          {problem.message}
        </div>
      ))}
      {field.description && (
        <div id={describedBy} className="form-help" title={field.description}>
          {field.description}
        </div>
      )}
    </div>
  );
}

function exampleOf(field: FormFieldDto): string {
  const example = field.examples?.[0];
  if (example === undefined || example === null) return '';
  return `e.g. ${typeof example === 'string' ? example : JSON.stringify(example)}`;
}
