// The bounded record of a process's output: its first lines and its last lines, in arrival order, in bounded
// memory. Tools put the cause first (`flag provided but not defined: -foo`, `./main.go:9: undefined: x`) and
// noise after it (a usage text, a stack), so both ends are kept.
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_TAIL_LINES = 200;
export const DEFAULT_HEAD_LINES = 0;
/** A line longer than this (a binary blob, a minified dump) is cut, so memory stays bounded without newlines too. */
export const MAX_LINE_CHARS = 2000;

export class TailBuffer {
  private readonly kept: string[] = [];
  private readonly first: string[] = [];
  private readonly partial = new Map<string, { decoder: StringDecoder; text: string }>();
  /** Complete lines that fell out of the window (not counting those kept at the head). */
  dropped = 0;
  /** Every complete line seen. */
  total = 0;

  constructor(
    readonly maxLines: number = DEFAULT_TAIL_LINES,
    readonly headLines: number = DEFAULT_HEAD_LINES,
  ) {}

  /** Adds a chunk from one stream; a line split across chunks of the same stream is joined again. */
  push(chunk: Buffer | string, stream = 'stdout'): void {
    let state = this.partial.get(stream);
    if (!state) {
      state = { decoder: new StringDecoder('utf8'), text: '' };
      this.partial.set(stream, state);
    }
    const text = state.text + (typeof chunk === 'string' ? chunk : state.decoder.write(chunk));
    const parts = text.split('\n');
    state.text = clip(parts.pop()!);
    for (const line of parts) this.add(line);
  }

  /** Flushes unterminated last lines (a process that died mid-line). */
  end(): void {
    for (const state of this.partial.values()) {
      const rest = state.text + state.decoder.end();
      state.text = '';
      if (rest !== '') this.add(rest);
    }
  }

  /** The kept last lines, oldest first, plus any unterminated lines still pending. */
  lines(): string[] {
    const pending = [...this.partial.values()].map((s) => s.text).filter((t) => t !== '');
    const all = [...this.kept, ...pending];
    return all.slice(Math.max(0, all.length - this.maxLines));
  }

  /**
   * The first `head` and the last `tail` lines as one text; when lines were left out between them, a marker line
   * says how many, so a reader never takes the two ends for one stretch of output.
   */
  excerpt(head: number, tail: number): string {
    const last = this.lines();
    const pendingCount = [...this.partial.values()].filter((s) => s.text !== '').length;
    const count = this.total + pendingCount;
    // `last` holds lines [count - last.length, count); `first` holds lines [0, first.length).
    const lastStart = count - last.length;
    const tailStart = Math.max(count - tail, lastStart);
    const headEnd = Math.min(head, this.first.length);
    const fromLast = (start: number): string[] => last.slice(start - lastStart);
    if (headEnd === 0) return fromLast(tailStart).join('\n');
    if (headEnd >= tailStart) return [...this.first.slice(0, tailStart), ...fromLast(tailStart)].join('\n');
    const skipped = tailStart - headEnd;
    return [...this.first.slice(0, headEnd), `… (${skipped} lines not shown) …`, ...fromLast(tailStart)].join(
      '\n',
    );
  }

  private add(line: string): void {
    const clean = clip(line.replace(/\r$/, ''));
    this.total++;
    if (this.first.length < this.headLines) this.first.push(clean);
    this.kept.push(clean);
    if (this.kept.length > this.maxLines) {
      this.kept.shift();
      this.dropped++;
    }
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (line cut)` : line;
}
