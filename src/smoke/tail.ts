// The last lines of a process's stdout and stderr, in arrival order, in bounded memory.
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_TAIL_LINES = 200;
/** A line longer than this (a binary blob, a minified dump) is cut, so memory stays bounded without newlines too. */
export const MAX_LINE_CHARS = 2000;

export class TailBuffer {
  private readonly kept: string[] = [];
  private readonly partial = new Map<string, { decoder: StringDecoder; text: string }>();
  /** Complete lines that fell out of the window. */
  dropped = 0;

  constructor(readonly maxLines: number = DEFAULT_TAIL_LINES) {}

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

  /** The kept lines, oldest first, plus any unterminated lines still pending. */
  lines(): string[] {
    const pending = [...this.partial.values()].map((s) => s.text).filter((t) => t !== '');
    const all = [...this.kept, ...pending];
    return all.slice(Math.max(0, all.length - this.maxLines));
  }

  private add(line: string): void {
    this.kept.push(clip(line.replace(/\r$/, '')));
    if (this.kept.length > this.maxLines) {
      this.kept.shift();
      this.dropped++;
    }
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (line cut)` : line;
}
