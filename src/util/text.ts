// Parsing of the text forms inputs come in. Pure: no environment, no I/O.

/** Items separated by commas and/or newlines, trimmed, empties dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Items one per line, trimmed, empties and `#` comments dropped. */
export function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/**
 * Splits like a POSIX shell splits words (single quotes, double quotes, backslash escapes), without any
 * expansion, so `-X 'main.msg=hello world'` reaches the tool as two arguments and nothing is ever run by a shell.
 */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) args.push(current);
  return args;
}

/** KEY=VALUE lines into pairs, in order. Throws naming the first line without a key. */
export function parseKeyValues(text: string): Array<[string, string]> {
  return splitLines(text).map((line) => {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`"${line}" is not KEY=VALUE`);
    return [line.slice(0, eq).trim(), line.slice(eq + 1)];
  });
}

/** Keeps the last `maxLines` lines of a tool's output for an annotation. */
export function lastLines(text: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - maxLines)).join('\n');
}
