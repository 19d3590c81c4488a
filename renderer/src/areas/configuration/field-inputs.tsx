import { useEffect, useState } from 'react';
import { workItemAttributes } from '../../../../runner/core/runtime-config/config-schema';
import { FieldFrame, Problems, type FieldProps } from './field-parts';

/** A true/false field as a checkbox (unset shows the default). */
export function BooleanField(props: FieldProps) {
  const { node, value, disabled } = props;
  const checked = typeof value === 'boolean' ? value : Boolean(node.doc.defaultValue);
  return (
    <FieldFrame props={props}>
      <label className="field-check">
        <input
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(event) => props.edit(props.path, event.target.checked)}
          aria-label={node.key}
        />
        {checked ? 'true' : 'false'}
        {value === undefined && <span className="muted"> (the default)</span>}
      </label>
    </FieldFrame>
  );
}

/** Text that follows `shown` unless the user is typing in it (a number being typed, "1.", stays). */
function useDraft(shown: string): [string, (text: string) => void, (focused: boolean) => void] {
  const [draft, setDraft] = useState(shown);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(shown);
  }, [shown, focused]);
  return [draft, setDraft, setFocused];
}

/** A number field; empty means the default. */
export function NumberField(props: FieldProps) {
  const { node, value, disabled } = props;
  const shown = value === undefined ? '' : typeof value === 'number' ? String(value) : JSON.stringify(value);
  const [draft, setDraft, setFocused] = useDraft(shown);
  const parsed = draft.trim() === '' ? undefined : Number(draft);
  const onChange = (text: string) => {
    setDraft(text);
    const number = text.trim() === '' ? undefined : Number(text);
    if (number === undefined || Number.isFinite(number)) props.edit(props.path, number);
  };
  return (
    <FieldFrame props={props}>
      <input
        className="field-input field-number"
        inputMode="decimal"
        aria-label={node.key}
        placeholder={String(node.doc.defaultValue)}
        value={draft}
        disabled={disabled}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(event) => onChange(event.target.value)}
      />
      {parsed !== undefined && !Number.isFinite(parsed) && (
        <p className="field-problem field-problem-error">"{draft}" is not a number</p>
      )}
    </FieldFrame>
  );
}

/** A text field. */
export function StringField(props: FieldProps) {
  const { node, value, disabled } = props;
  return (
    <FieldFrame props={props}>
      <input
        className="field-input"
        aria-label={node.key}
        value={typeof value === 'string' ? value : ''}
        disabled={disabled}
        onChange={(event) => props.edit(props.path, event.target.value)}
      />
    </FieldFrame>
  );
}

/** A list of strings (regular expressions): one row each, with add and remove. */
export function StringListField(props: FieldProps) {
  const { node, value, disabled, path } = props;
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  return (
    <FieldFrame props={props}>
      <ol className="rows">
        {items.map((item, i) => (
          <li key={i} className="row">
            <div className="row-line">
              <input
                className="field-input mono"
                aria-label={`${node.key} ${i + 1}`}
                value={typeof item === 'string' ? item : JSON.stringify(item)}
                disabled={disabled}
                onChange={(event) => props.edit([...path, i], event.target.value)}
              />
              <button
                type="button"
                disabled={disabled}
                aria-label={`Remove ${node.key} ${i + 1}`}
                onClick={() => props.edit([...path, i], undefined)}
              >
                Remove
              </button>
            </div>
            <Problems list={props.problemsAt([...path, i])} />
          </li>
        ))}
      </ol>
      <button type="button" disabled={disabled} onClick={() => props.edit([...path, items.length], '')}>
        Add to {node.key}
      </button>
    </FieldFrame>
  );
}

/** The key of a map entry: renamed as typed, unless empty or already taken (then it says so). */
function KeyInput({
  label,
  current,
  taken,
  disabled,
  onRename,
}: {
  label: string;
  current: string;
  taken: (key: string) => boolean;
  disabled: boolean;
  onRename: (key: string) => void;
}) {
  const [draft, setDraft, setFocused] = useDraft(current);
  const problem =
    draft === current
      ? undefined
      : draft === ''
        ? 'name an attribute'
        : taken(draft)
          ? 'already matched'
          : undefined;
  return (
    <span className="key-input">
      <input
        className="field-input mono"
        aria-label={label}
        list="work-item-attributes"
        value={draft}
        disabled={disabled}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value !== '' && !taken(event.target.value)) onRename(event.target.value);
        }}
      />
      {problem && <span className="field-problem field-problem-error">{problem}</span>}
    </span>
  );
}

/** A map of strings (attribute path -> regular expression): key and value per row. */
export function StringMapField(props: FieldProps) {
  const { node, value, disabled, path } = props;
  const map =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const entries = Object.entries(map);
  const unused = workItemAttributes.find((a) => !Object.hasOwn(map, a)) ?? `attribute${entries.length + 1}`;
  return (
    <FieldFrame props={props}>
      <datalist id="work-item-attributes">
        {workItemAttributes.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <ol className="rows">
        {entries.map(([key, item], i) => (
          <li key={i} className="row">
            <div className="row-line">
              <KeyInput
                label={`${node.key} attribute ${i + 1}`}
                current={key}
                disabled={disabled}
                taken={(k) => k !== key && Object.hasOwn(map, k)}
                onRename={(to) => props.rename(path, key, to)}
              />
              <span className="muted">matches</span>
              <input
                className="field-input mono"
                aria-label={`${node.key} ${key}`}
                value={typeof item === 'string' ? item : JSON.stringify(item)}
                disabled={disabled}
                onChange={(event) => props.edit([...path, key], event.target.value)}
              />
              <button
                type="button"
                disabled={disabled}
                aria-label={`Remove ${node.key} ${key}`}
                onClick={() => props.edit([...path, key], undefined)}
              >
                Remove
              </button>
            </div>
            <Problems list={props.problemsAt([...path, key])} />
          </li>
        ))}
      </ol>
      <button type="button" disabled={disabled} onClick={() => props.edit([...path, unused], '')}>
        Add attribute
      </button>
    </FieldFrame>
  );
}
