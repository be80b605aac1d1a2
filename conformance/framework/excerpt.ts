/**
 * A body short enough for a failure line, cut at a member boundary: whole members are kept in order until the
 * next would pass the limit, and what is left out is marked `…` inside its object or array, so no value is ever
 * shown cut in half (the whole body stays in the check's transcript).
 */

const ELLIPSIS = '…';

/** JSON text (or any value) in one line of at most about `max` characters, cut only between members. */
export function excerpt(body: unknown, max = 300): string {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return cutText(body.replace(/\s+/g, ' '), max);
    }
  }
  if (value === undefined) return 'undefined';
  return render(value, max);
}

/** Plain text: cut at the last space before the limit (or at the limit when there is none). */
function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, space > max / 2 ? space : max - 1)} ${ELLIPSIS}`;
}

/** A scalar as JSON, or undefined when it alone would not fit in `room`. */
const scalar = (v: unknown, room: number): string | undefined => {
  const s = JSON.stringify(v) ?? 'null';
  return s.length <= room ? s : undefined;
};

/** `value` as one line of JSON, members separated by ", ". */
const flat = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  return `{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}: ${flat(v)}`)
    .join(', ')}}`;
};

/** Renders `value` within `room` characters; containers keep their first members that fit, then `…`. */
function render(value: unknown, room: number): string {
  if (value === null || typeof value !== 'object') return scalar(value, room) ?? ELLIPSIS;
  const isArray = Array.isArray(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  const entries: Array<[string, unknown]> = isArray ? (value as unknown[]).map((v) => ['', v]) : Object.entries(value as object);
  if (entries.length === 0) return `${open}${close}`;
  const parts: string[] = [];
  // Room for the brackets, and for a trailing ", …" unless every member fits.
  const all = flat(value);
  if (all.length <= room) return all;
  let left = room - 2 - (ELLIPSIS.length + 2);
  for (const [key, member] of entries) {
    const label = isArray ? '' : `${JSON.stringify(key)}: `;
    const separator = parts.length ? 2 : 0;
    const budget = left - separator - label.length;
    if (budget <= 0) break;
    // A container that does not fit whole is shown in part; a scalar only whole.
    const shown = render(member, budget);
    if (shown === ELLIPSIS || (parts.length > 0 && shown.length === ELLIPSIS.length + 2)) break;
    parts.push(label + shown);
    left -= separator + label.length + shown.length;
  }
  if (parts.length < entries.length) parts.push(ELLIPSIS);
  return `${open}${parts.join(', ')}${close}`;
}
