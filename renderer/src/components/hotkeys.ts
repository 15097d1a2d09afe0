export type HotkeyEvent = Pick<
  KeyboardEvent,
  'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'key'
>;

/**
 * The key of a Ctrl+Shift shortcut with neither Alt nor Meta, lower-cased (Shift makes a
 * letter upper case), or null for any other combination: every trading shortcut of the
 * window (kill switch, reduce only, the ladder's) is one of these.
 */
export function ctrlShiftKey(event: HotkeyEvent): string | null {
  if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return null;
  return event.key.toLowerCase();
}

/** Whether the event is Ctrl+Shift+`letter` (lower case). */
export const isCtrlShiftLetter = (event: HotkeyEvent, letter: string): boolean =>
  ctrlShiftKey(event) === letter;
