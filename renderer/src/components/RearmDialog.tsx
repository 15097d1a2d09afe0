import { useEffect, useRef } from 'react';

/**
 * Confirmation before trading resumes. A native modal <dialog>: it traps focus, closes on
 * Escape, and is announced as a dialog. Focus starts on Cancel, so a stray Enter does not
 * re-arm.
 */
export function RearmDialog(props: {
  readonly open: boolean;
  readonly reason: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (props.open && !element.open) {
      element.showModal();
      cancel.current?.focus();
    } else if (!props.open && element.open) element.close();
  }, [props.open]);

  return (
    <dialog
      ref={dialog}
      className="rearm-dialog"
      aria-labelledby="rearm-title"
      aria-describedby="rearm-text"
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="rearm-title">Re-arm trading?</h2>
      <p id="rearm-text">
        The strategy will send orders again as soon as the engine is ACTIVE. Trading was halted
        because: <strong>{props.reason || 'no reason given'}</strong>
      </p>
      <div className="dialog-buttons">
        <button type="button" ref={cancel} onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={props.onConfirm}>
          Re-arm trading
        </button>
      </div>
    </dialog>
  );
}
