// Go's time.Format reference layouts (`2006-01-02T15:04:05Z07:00`), for goreleaser's `time "layout"` function. Always
// in UTC, since the time it formats is the commit time. Pure.

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// Longest first, so `January` wins over `Jan` and `2006` over `2`.
const TOKENS: Array<[string, (d: Date) => string]> = [
  ['January', (d) => MONTHS[d.getUTCMonth()]!],
  ['Monday', (d) => DAYS[d.getUTCDay()]!],
  ['Z07:00', () => 'Z'],
  ['-07:00', () => '+00:00'],
  ['Z0700', () => 'Z'],
  ['-0700', () => '+0000'],
  ['.000000000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}000000`],
  ['.000000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}000`],
  ['.000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}`],
  ['2006', (d) => pad(d.getUTCFullYear(), 4)],
  ['Jan', (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3)],
  ['Mon', (d) => DAYS[d.getUTCDay()]!.slice(0, 3)],
  ['MST', () => 'UTC'],
  ['-07', () => '+00'],
  ['Z07', () => 'Z'],
  ['002', (d) => pad(dayOfYear(d), 3)],
  ['_2', (d) => String(d.getUTCDate()).padStart(2, ' ')],
  ['01', (d) => pad(d.getUTCMonth() + 1, 2)],
  ['02', (d) => pad(d.getUTCDate(), 2)],
  ['03', (d) => pad(hour12(d), 2)],
  ['04', (d) => pad(d.getUTCMinutes(), 2)],
  ['05', (d) => pad(d.getUTCSeconds(), 2)],
  ['06', (d) => pad(d.getUTCFullYear() % 100, 2)],
  ['15', (d) => pad(d.getUTCHours(), 2)],
  ['PM', (d) => (d.getUTCHours() >= 12 ? 'PM' : 'AM')],
  ['pm', (d) => (d.getUTCHours() >= 12 ? 'pm' : 'am')],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2', (d) => String(d.getUTCDate())],
  ['3', (d) => String(hour12(d))],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
];

function hour12(d: Date): number {
  return d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** `layout` in Go's reference-time notation, applied to `epoch` (Unix seconds) in UTC. */
export function formatGoTime(layout: string, epoch: number): string {
  const date = new Date(epoch * 1000);
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [token, render] of TOKENS) {
      if (layout.startsWith(token, i)) {
        out += render(date);
        i += token.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}
