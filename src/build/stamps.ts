// The -X stamps: which variable gets which value from which input, and whether the built binary really holds it.
// The linker ignores `-X path.name=value` without a word when the variable does not exist (or is not an
// uninitialised or constant-initialised string, or is never used), so a typo in version-variable ships binaries
// that print an empty version. The value's bytes are in the binary exactly when the stamp took effect.
import * as fs from 'node:fs/promises';
import * as core from '@actions/core';

/** One -X stamp: the input it comes from, the variable, the value. */
export interface Stamp {
  /** version-variable, commit-variable, date-variable, or ldflags for the user's own -X flags. */
  input: string;
  variable: string;
  value: string;
}

export interface StampOptions {
  versionVariable: string;
  commitVariable: string;
  dateVariable: string;
  release: { version: string; commit: string; date: string };
}

/** The action's own stamps in ldflags order, with the input each variable comes from; unset variables left out. Pure. */
export function stampSources(options: StampOptions): Stamp[] {
  const stamps: Stamp[] = [
    { input: 'version-variable', variable: options.versionVariable, value: options.release.version },
    { input: 'commit-variable', variable: options.commitVariable, value: options.release.commit },
    { input: 'date-variable', variable: options.dateVariable, value: options.release.date },
  ];
  return stamps.filter((s) => s.variable !== '');
}

/** The user's own `-X name=value` flags in ldflags (`-X a=b`, `-X=a=b`, `--X a=b`). Pure. */
export function userStamps(ldflags: readonly string[]): Stamp[] {
  const stamps: Stamp[] = [];
  for (let i = 0; i < ldflags.length; i++) {
    const arg = ldflags[i]!;
    const inline = /^--?X=(.*)$/s.exec(arg);
    const definition = inline ? inline[1]! : /^--?X$/.test(arg) ? ldflags[++i] : undefined;
    const eq = definition?.indexOf('=') ?? -1;
    if (definition === undefined || eq <= 0) continue;
    stamps.push({ input: 'ldflags', variable: definition.slice(0, eq), value: definition.slice(eq + 1) });
  }
  return stamps;
}

/**
 * The stamps worth checking in the binaries: the action's own, then the user's -X flags, the last one per variable
 * winning as it does in the linker; empty values left out (there is nothing to look for). Pure.
 */
export function stampsToCheck(options: StampOptions & { ldflags: readonly string[] }): Stamp[] {
  const byVariable = new Map<string, Stamp>();
  for (const stamp of [...stampSources(options), ...userStamps(options.ldflags)]) {
    byVariable.delete(stamp.variable);
    byVariable.set(stamp.variable, stamp);
  }
  return [...byVariable.values()].filter((s) => s.value !== '');
}

/**
 * Whether `data` holds the stamp's value other than right after `variable=`: that is how the build settings quote
 * -ldflags when the build is not -trimpath, and that copy says nothing about the variable. When `data` does not
 * start the file, a value too close to its start to see what precedes it was judged in the window before. Pure.
 */
export function holdsStamp(data: Buffer, stamp: Stamp, startOfFile = true): boolean {
  const value = Buffer.from(stamp.value, 'utf8');
  const quoted = Buffer.from(`${stamp.variable}=`, 'utf8');
  for (let at = data.indexOf(value); at !== -1; at = data.indexOf(value, at + 1)) {
    if (at < quoted.length) {
      if (startOfFile) return true;
    } else if (!data.subarray(at - quoted.length, at).equals(quoted)) return true;
  }
  return false;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The stamps whose value the file at `binary` does not hold, read in bounded chunks. */
export async function missingStamps(binary: string, stamps: readonly Stamp[]): Promise<Stamp[]> {
  if (stamps.length === 0) return [];
  // Each window repeats the previous one's end, long enough for a value and the `variable=` before it.
  const overlap = Math.max(
    ...stamps.map((s) => Buffer.byteLength(s.value) + Buffer.byteLength(s.variable) + 1),
  );
  const pending = new Set(stamps);
  const file = await fs.open(binary, 'r');
  try {
    const buffer = Buffer.alloc(overlap + CHUNK_BYTES);
    let kept = 0;
    for (let first = true; ; first = false) {
      const { bytesRead } = await file.read(buffer, kept, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const window = buffer.subarray(0, kept + bytesRead);
      for (const stamp of pending) if (holdsStamp(window, stamp, first)) pending.delete(stamp);
      if (pending.size === 0) break;
      kept = Math.min(overlap, window.length);
      window.copy(buffer, 0, window.length - kept);
    }
  } finally {
    await file.close();
  }
  return stamps.filter((s) => pending.has(s));
}

/** The warning for stamps some binaries lack, or undefined when every binary holds every stamp. Pure. */
export function stampWarning(
  missing: ReadonlyMap<Stamp, readonly string[]>,
  targetCount: number,
): string | undefined {
  const lines = [...missing]
    .filter(([, targets]) => targets.length > 0)
    .map(([stamp, targets]) => {
      const where =
        targets.length === targetCount ? 'in none of the binaries' : `missing from ${targets.join(', ')}`;
      const fix =
        stamp.input === 'ldflags'
          ? 'fix or drop that -X in ldflags'
          : `declare it as a package-level string variable, or set ${stamp.input} to the variable the app reads ('' to skip)`;
      return `- ${stamp.variable} (${stamp.input}): ${JSON.stringify(stamp.value)} is ${where}; ${fix}.`;
    });
  if (lines.length === 0) return undefined;
  return [
    '-X had no effect for these variables: the linker ignores a variable that does not exist, is not a string, is initialised by a function call, or is never used.',
    ...lines,
  ].join('\n');
}

/** Warns once, after the build, about every stamp that did not reach the binaries. */
export async function warnMissingStamps(
  stamps: readonly Stamp[],
  artifacts: ReadonlyArray<{ path: string; target: { id: string } }>,
): Promise<void> {
  if (stamps.length === 0 || artifacts.length === 0) return;
  const missing = new Map<Stamp, string[]>(stamps.map((s) => [s, []]));
  for (const artifact of artifacts) {
    for (const stamp of await missingStamps(artifact.path, stamps))
      missing.get(stamp)!.push(artifact.target.id);
  }
  const warning = stampWarning(missing, artifacts.length);
  if (warning !== undefined) core.warning(warning, { title: 'gin-release: -X stamps had no effect' });
}
