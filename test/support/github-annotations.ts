// Records the annotations (notice/warning/error) a step emits, decoded from the workflow-command protocol the
// runner reads on stdout, so tests assert on {level, message} values instead of raw command strings.

export type AnnotationLevel = 'notice' | 'warning' | 'error';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
}

const COMMAND = /^::(notice|warning|error)(?: [^:]*)?::(.*)$/;

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export interface AnnotationRecorder {
  readonly annotations: Annotation[];
  /** Messages of one level, for `expect(...).toContainEqual(expect.stringContaining(...))`. */
  messages(level: AnnotationLevel): string[];
  /** Puts stdout back as it was; the recorded annotations stay readable. */
  stop(): void;
}

/** Starts recording annotations written to process.stdout; everything is still passed through to the real stdout. */
export function recordAnnotations(): AnnotationRecorder {
  const annotations: Annotation[] = [];
  const original = process.stdout.write;
  let pending = '';
  const write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    pending += text;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = COMMAND.exec(line);
      if (match) annotations.push({ level: match[1] as AnnotationLevel, message: unescapeData(match[2]!) });
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  process.stdout.write = write as typeof process.stdout.write;
  return {
    annotations,
    messages: (level) => annotations.filter((a) => a.level === level).map((a) => a.message),
    stop: () => {
      process.stdout.write = original;
    },
  };
}
