import { useMemo } from 'react';
import type { JsonPath } from '../../../../runner/core/runtime-config/json-node';
import { valueAt, type ConfigDocument } from './config-document';
import { BooleanField, NumberField, StringField, StringListField, StringMapField } from './field-inputs';
import { DocText, FieldHeader, Problems, type FieldProps } from './field-parts';
import { fieldTree, newElementOf, pathKey, placeDiagnostics, type FieldNode } from './field-tree';

const tree = fieldTree();

/**
 * The form: one editor per field of the schema, generated from its documentation (name, type,
 * default, description), with the check's problems shown at the field they concern. Edits go
 * through `edit`, which rewrites the text; the form always shows what the text says.
 */
export function ConfigForm({
  document,
  edit,
  rename,
}: {
  document: ConfigDocument;
  edit: (path: JsonPath, next: unknown) => void;
  rename: (path: JsonPath, from: string, to: string) => void;
}) {
  const placed = useMemo(() => placeDiagnostics(tree, document.check.diagnostics), [document]);
  const problemsAt = (path: JsonPath) => placed.get(pathKey(path)) ?? [];
  const disabled = document.value === undefined;
  return (
    <form className="config-form" aria-label="Configuration form" onSubmit={(e) => e.preventDefault()}>
      {disabled && (
        <p className="form-blocked" role="status">
          The text cannot be read as a configuration: fix the problems marked in the text, and the form
          follows.
        </p>
      )}
      <Problems list={problemsAt([])} />
      {tree.map((node) => (
        <FieldView
          key={node.key}
          node={node}
          path={[node.key]}
          value={valueAt(document.value, [node.key])}
          problemsAt={problemsAt}
          edit={edit}
          rename={rename}
          disabled={disabled}
        />
      ))}
    </form>
  );
}

/** The editor a field's type calls for. */
export function FieldView(props: FieldProps) {
  switch (props.node.doc.type) {
    case 'object':
      return <ObjectField {...props} />;
    case 'boolean':
      return <BooleanField {...props} />;
    case 'number':
      return <NumberField {...props} />;
    case 'string':
      return <StringField {...props} />;
    case 'list of strings':
      return <StringListField {...props} />;
    case 'map of strings':
      return <StringMapField {...props} />;
    case 'list of objects':
      return <ObjectListField {...props} />;
    default:
      return (
        <p className="field-problem">
          The form cannot edit {props.node.doc.path} ({props.node.doc.type}): use the text.
        </p>
      );
  }
}

function childProps(props: FieldProps, child: FieldNode, path: JsonPath): FieldProps {
  return { ...props, node: child, path, value: valueAt(props.value, path.slice(props.path.length)) };
}

/** A section: its fields in a fieldset. */
function ObjectField(props: FieldProps) {
  const { node, path } = props;
  return (
    <fieldset className="section" data-field={node.doc.path}>
      <legend>{node.key}</legend>
      <p className="field-doc">
        <DocText text={node.doc.description} />
      </p>
      <Problems list={props.problemsAt(path)} />
      {node.children.map((child) => (
        <FieldView key={child.key} {...childProps(props, child, [...path, child.key])} />
      ))}
    </fieldset>
  );
}

/** A list of objects (sched rules): each element's fields in a card, with add and remove. */
function ObjectListField(props: FieldProps) {
  const { node, path, value, disabled } = props;
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  return (
    <div className="field" data-field={node.doc.path}>
      <FieldHeader props={props} />
      <p className="field-doc">
        <DocText text={node.doc.description} />
      </p>
      <Problems list={props.problemsAt(path)} />
      {items.map((_, i) => (
        <fieldset key={i} className="element" aria-label={`${node.key} ${i + 1}`}>
          <legend>
            {node.key} {i + 1}
            <button
              type="button"
              className="link"
              disabled={disabled}
              aria-label={`Remove ${node.key} ${i + 1}`}
              onClick={() => props.edit([...path, i], undefined)}
            >
              remove
            </button>
          </legend>
          <Problems list={props.problemsAt([...path, i])} />
          {node.children.map((child) => (
            <FieldView key={child.key} {...childProps(props, child, [...path, i, child.key])} />
          ))}
        </fieldset>
      ))}
      <button
        type="button"
        disabled={disabled}
        onClick={() => props.edit([...path, items.length], newElementOf(node))}
      >
        Add to {node.key}
      </button>
    </div>
  );
}
