// The words a smoke result is shown with: log lines, annotations. Pure.
import type { SmokeResult } from '../types.js';

/** Lines of the binary's own output an annotation quotes. */
export const ANNOTATION_LINES = 20;
const BODY_QUOTE_CHARS = 200;

/** A duration for a message: `35 ms` below a second, `2.5 s` above. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** The first characters of a body, on one line, for a message. */
export function quoteBody(body: string): string {
  if (body.trim() === '') return '(empty body)';
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_QUOTE_CHARS ? `${flat.slice(0, BODY_QUOTE_CHARS)}…` : flat;
}

/** One line for the log and the summary: `linux/arm64 passed under qemu-aarch64-static: ready in 180 ms, ...`. */
export function formatSmokeLine(targetId: string, result: SmokeResult): string {
  const under = result.runner && result.runner !== 'native' ? ` under ${result.runner}` : '';
  switch (result.status) {
    case 'passed': {
      const parts = [`ready in ${result.readyMs ?? '?'} ms`];
      if (result.shutdownMs !== undefined) parts.push(`shut down in ${result.shutdownMs} ms`);
      if ((result.attempts ?? 1) > 1) parts.push(`${result.attempts} attempts`);
      return `${targetId} passed${under}: ${parts.join(', ')}`;
    }
    case 'failed':
      return `${targetId} failed${under}: ${result.reason}`;
    case 'skipped':
      return `${targetId} skipped: ${result.reason}`;
  }
}

/**
 * The text of the error annotation for a failed smoke test: what failed, why, and the last lines the binary printed
 * (for the error call: `core.error(formatSmokeFailure(id, result), { title: `Smoke test failed: ${id}` })`).
 */
export function formatSmokeFailure(
  targetId: string,
  result: SmokeResult,
  lines: number = ANNOTATION_LINES,
): string {
  const head = `Smoke test of ${targetId} failed${result.runner && result.runner !== 'native' ? ` (under ${result.runner})` : ''}: ${result.reason}`;
  const tail = (result.logTail ?? []).filter((line) => !/^\(\d+ earlier lines not shown\)$/.test(line));
  if (tail.length === 0) return `${head}\nIt printed nothing.`;
  const shown = tail.slice(-lines);
  const label = shown.length < tail.length ? `Its last ${shown.length} lines of output` : 'Its output';
  return `${head}\n${label}:\n${shown.map((line) => `  ${line}`).join('\n')}`;
}
