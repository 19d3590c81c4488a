import { useEffect, useId, useRef, type ReactNode } from 'react';
import './dialog.css';

/** A modal dialog: a titled panel over the page; Escape calls onClose. */
export function Dialog({
  title,
  tone = 'normal',
  size = 'normal',
  focus = 'first-control',
  onClose,
  children,
  actions,
}: {
  title: string;
  /** `danger` asks before something that cannot be undone (an alertdialog). */
  tone?: 'normal' | 'danger';
  /** `wide` for reviews with diffs and tables; its body scrolls. */
  size?: 'normal' | 'wide';
  /** What gets the focus when it opens: the first control, or the first action button. */
  focus?: 'first-control' | 'actions';
  onClose: () => void;
  children: ReactNode;
  actions: ReactNode;
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const selector = focus === 'actions' ? '.dialog-actions button' : 'button, input, select';
    panel.current?.querySelector<HTMLElement>(selector)?.focus();
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose, focus]);
  return (
    <div className="dialog-backdrop">
      <div
        ref={panel}
        className={`dialog dialog-${tone} dialog-${size}`}
        role={tone === 'danger' ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}

/**
 * Asks before something that cannot be undone: a danger dialog whose only way forward is the
 * confirm button (Escape and Cancel close it); the focus starts on the actions.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={title}
      tone="danger"
      focus="actions"
      onClose={onCancel}
      actions={
        <>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
