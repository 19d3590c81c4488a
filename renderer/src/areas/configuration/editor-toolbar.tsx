import type { ConfigDocument } from './config-document';
import type { Base } from './editor-base';

/** The file's name, the check's verdict, whether it is edited, and the buttons. */
export function EditorToolbar({
  base,
  document,
  dirty,
  busy,
  onReload,
  onSave,
}: {
  base: Base;
  document: ConfigDocument;
  dirty: boolean;
  busy: boolean;
  onReload: () => void;
  onSave: () => void;
}) {
  const verdict =
    document.errors > 0
      ? `${document.errors} error(s), ${document.warnings} warning(s)`
      : document.warnings > 0
        ? `valid, ${document.warnings} warning(s)`
        : 'valid';
  return (
    <div className="editor-toolbar">
      <span className="mono">{base.path}</span>
      {base.version === null && (
        <span className="muted">(does not exist yet: the defaults are in force)</span>
      )}
      <span className={document.errors > 0 ? 'verdict-fail' : 'verdict-ok'} data-testid="check-verdict">
        {verdict}
      </span>
      <span className="muted" data-testid="dirty-state">
        {dirty ? 'edited, not saved' : 'as on the instance'}
      </span>
      <span className="toolbar-spacer" />
      {document.errors > 0 && dirty && (
        <span className="save-blocked" data-testid="save-blocked">
          The instance would reject this text: fix the error(s) to save.
        </span>
      )}
      <button type="button" onClick={onReload} disabled={busy}>
        {dirty ? 'Discard edits and reload' : 'Reload'}
      </button>
      <button
        type="button"
        className="primary"
        onClick={onSave}
        disabled={!dirty || document.errors > 0 || busy}
      >
        Review and save…
      </button>
    </div>
  );
}
