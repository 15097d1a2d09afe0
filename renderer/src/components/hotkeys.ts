export type HotkeyEvent = Pick<
  KeyboardEvent,
  'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'key'
>;

/**
 * Ctrl+Shift+`letter` with neither Alt nor Meta, in either letter case (Shift makes the
 * key upper case): the trading controls' shortcuts (kill switch, reduce only).
 */
export function isCtrlShiftLetter(event: HotkeyEvent, letter: string): boolean {
  return (
    event.ctrlKey &&
    event.shiftKey &&
    !event.altKey &&
    !event.metaKey &&
    event.key.toLowerCase() === letter
  );
}
