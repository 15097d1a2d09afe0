/**
 * Cuts the raw text of a JSON value out of a line without parsing it, so a recorded
 * payload stays byte-for-byte what the exchange sent and the frame scanner reads it.
 */

/** Index just past the object or array starting at text[start], or -1 if unbalanced. */
export function jsonContainerEnd(text: string, start: number): number {
  const open = text.charCodeAt(start);
  if (open !== 123 /* { */ && open !== 91 /* [ */) return -1;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      if (i >= text.length) return -1;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const COMBINED_PREFIX = /^\{"stream":"([^"\\]*)","data":/;

/**
 * Splits a combined-stream frame `{"stream": S, "data": D}` into S and the raw text of D.
 * Fast path for the exchange's own layout; anything else is parsed and D re-serialised.
 * Returns a reason string when the text is not such a frame.
 */
export function splitCombinedFrame(text: string): { stream: string; data: string } | string {
  const match = COMBINED_PREFIX.exec(text);
  if (match) {
    const start = match[0].length;
    const end = jsonContainerEnd(text, start);
    if (end > 0 && text.charCodeAt(end) === 125 && text.slice(end + 1).trim() === '') {
      return { stream: match[1]!, data: text.slice(start, end) };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(parsed) || typeof parsed.stream !== 'string' || !isObject(parsed.data)) {
    return 'not a combined-stream frame {"stream": "...", "data": {...}}';
  }
  return { stream: parsed.stream, data: JSON.stringify(parsed.data) };
}
