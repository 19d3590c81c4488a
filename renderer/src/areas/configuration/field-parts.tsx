import type { ReactNode } from 'react';
import type { ConfigDiagnostic } from '../../../../runner/core/runtime-config/config-check';
import type { JsonPath } from '../../../../runner/core/runtime-config/json-node';
import type { FieldNode } from './field-tree';

/** What every field editor gets: its place, its value as written, the placed problems and how to edit. */
export interface FieldProps {
  readonly node: FieldNode;
  /** Where its value is (list indexes filled in). */
  readonly path: JsonPath;
  /** The value as written; undefined when the text leaves it out. */
  readonly value: unknown;
  readonly problemsAt: (path: JsonPath) => readonly ConfigDiagnostic[];
  readonly edit: (path: JsonPath, next: unknown) => void;
  /** Renames a key of the object at `path` where it is written (the entry keeps its place). */
  readonly rename: (path: JsonPath, from: string, to: string) => void;
  readonly disabled: boolean;
}

/** A description with `code` spans, as the schema writes them. */
export function DocText({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/** The problems the check placed at one field or row, shown right there. */
export function Problems({ list }: { list: readonly ConfigDiagnostic[] }) {
  if (list.length === 0) return null;
  return (
    <ul className="field-problems">
      {list.map((d, i) => (
        <li key={i} className={`field-problem field-problem-${d.severity}`} data-severity={d.severity}>
          <span className="problem-place">
            {d.line}:{d.column}
          </span>{' '}
          {d.message}
        </li>
      ))}
    </ul>
  );
}

/** The title line of a field: its name, type, default, and a reset when it is set. */
export function FieldHeader({ props, children }: { props: FieldProps; children?: ReactNode }) {
  const { node, value, disabled } = props;
  const doc = node.doc;
  const defaultText = doc.required ? 'required' : `default ${JSON.stringify(doc.defaultValue)}`;
  return (
    <div className="field-header">
      <span className="field-name">{node.key}</span>
      <span className="field-type">
        {doc.type} · {defaultText}
      </span>
      {children}
      {!doc.required && value !== undefined && (
        <button
          type="button"
          className="link field-reset"
          disabled={disabled}
          onClick={() => props.edit(props.path, undefined)}
          aria-label={`Reset ${node.key} to its default`}
        >
          reset to default
        </button>
      )}
    </div>
  );
}

/** A field's frame: header, description, the editor, and its problems. */
export function FieldFrame({ props, children }: { props: FieldProps; children: ReactNode }) {
  return (
    <div className="field" data-field={props.node.doc.path}>
      <FieldHeader props={props} />
      <p className="field-doc">
        <DocText text={props.node.doc.description} />
      </p>
      {children}
      <Problems list={props.problemsAt(props.path)} />
    </div>
  );
}
