import { useMemo } from 'react';
import {
  configChanges,
  formatChanges,
  threeWayDifference,
  unifiedDiff,
  type ThreeWayDifference,
} from '../../../../runner/core/runtime-config/config-diff';
import type { ConfigFile } from '../../../../electron/common/instance-schemas';
import { readDocument, type ConfigDocument } from './config-document';
import { DiffView } from './diff-view';
import { Dialog } from '../../components/dialog';

/** Before saving: the field changes and the text diff, and the confirmation. */
export function SaveReview({
  profileName,
  baseText,
  document,
  impactLine,
  onConfirm,
  onCancel,
}: {
  profileName: string;
  baseText: string;
  document: ConfigDocument;
  impactLine: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const changes = useMemo(
    () => formatChanges(configChanges(readDocument(baseText).value ?? {}, document.value ?? {})),
    [baseText, document],
  );
  const diff = useMemo(
    () => unifiedDiff(baseText, document.text, { a: 'on the instance', b: 'yours' }),
    [baseText, document],
  );
  return (
    <Dialog
      size="wide"
      focus="actions"
      title={`Save coin_configuration.json to ${profileName}?`}
      onClose={onCancel}
      actions={
        <>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={onConfirm}>
            Save to {profileName}
          </button>
        </>
      }
    >
      <h3>Changed fields</h3>
      <pre className="field-changes" data-testid="field-changes">
        {changes || '(comments or formatting only)'}
      </pre>
      <h3>The text</h3>
      <DiffView diff={diff} label="Difference from the file on the instance" />
      {impactLine && <p data-testid="review-impact">{impactLine}</p>}
      {document.warnings > 0 && (
        <p className="warning">
          {document.warnings} warning(s) remain; they do not stop the instance from applying it.
        </p>
      )}
      <p className="muted small">
        The file is replaced atomically; the instance applies it within about two seconds and reports back
        here.
      </p>
    </Dialog>
  );
}

/** The file changed on the instance since it was loaded: the three-way difference and the ways out. */
export function ConflictView({
  message,
  baseText,
  mine,
  current,
  onOverwrite,
  onTakeTheirs,
  onCancel,
}: {
  message: string;
  baseText: string;
  mine: string;
  current: ConfigFile;
  onOverwrite: () => void;
  onTakeTheirs: () => void;
  onCancel: () => void;
}) {
  const difference = useMemo(
    () =>
      threeWayDifference(
        { base: baseText, mine, theirs: current.content },
        {
          base: readDocument(baseText).value,
          mine: readDocument(mine).value,
          theirs: readDocument(current.content).value,
        },
      ),
    [baseText, mine, current],
  );
  return (
    <Dialog
      size="wide"
      focus="actions"
      title="The file changed on the instance"
      onClose={onCancel}
      actions={
        <>
          <button type="button" onClick={onCancel}>
            Keep editing
          </button>
          <button type="button" onClick={onTakeTheirs}>
            Load the file on the instance (drop my edits)
          </button>
          <button type="button" className="danger" onClick={onOverwrite}>
            Save mine over it
          </button>
        </>
      }
    >
      <p className="error">{message}</p>
      <ThreeWayFields fields={difference.fields} />
      <h3>Your changes</h3>
      <DiffView diff={difference.mine} label="Your changes" />
      <h3>Changed on the instance since you loaded it</h3>
      <DiffView diff={difference.theirs} label="Changes on the instance" />
    </Dialog>
  );
}

/** Per field: the loaded value, yours and the one on the instance now; both changed differently is marked. */
function ThreeWayFields({ fields }: { fields: ThreeWayDifference['fields'] }) {
  if (fields.length === 0) return null;
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return (
    <table className="table" data-testid="three-way-fields">
      <thead>
        <tr>
          <th>field</th>
          <th>loaded</th>
          <th>yours</th>
          <th>on the instance now</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.path} className={f.conflict ? 'conflict' : undefined}>
            <td className="mono">
              {f.path}
              {f.conflict && <strong> (both changed)</strong>}
            </td>
            <td className="mono">{show(f.base)}</td>
            <td className="mono">{show(f.mine)}</td>
            <td className="mono">{show(f.theirs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
