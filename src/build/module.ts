// What the toolchain and the module say before anything is built: the targets this Go can build, whether `main`
// is a package main, and the default binary name.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../errors.js';
import type { Target } from '../types.js';
import { runGo } from '../go/command.js';
import { lastLines, splitLines } from '../util/text.js';
import { unsupportedTargets } from './targets.js';

/** Lines of a tool's output quoted in a message. */
const QUOTED_LINES = 50;

/** The last element of an import path, skipping a major version suffix (example.com/app/v2 gives app), as `go build` names binaries. */
function lastImportElement(importPath: string): string {
  const parts = importPath.split('/').filter((p) => p !== '' && p !== '.');
  let last = parts.pop() ?? '';
  if (/^v\d+$/.test(last) && parts.length > 0) last = parts.pop()!;
  return last;
}

/** The module path from go.mod's text (its `module` line), '' when it has none. Pure. */
export function parseModulePath(goMod: string): string {
  const line = splitLines(goMod).find((l) => /^module\s/.test(l));
  return line
    ? line
        .replace(/^module\s+/, '')
        .replace(/\/\/.*$/, '')
        .trim()
        .replace(/^"(.*)"$/, '$1')
    : '';
}

/** The module path from go.mod's `module` line, '' when there is no go.mod. */
export async function readModulePath(workingDirectory: string): Promise<string> {
  try {
    return parseModulePath(await fs.readFile(path.join(workingDirectory, 'go.mod'), 'utf8'));
  } catch {
    return '';
  }
}

/** The default binary name: the main package's folder name, or for `.` the module path's last element. Pure. */
export function binaryNameFor(workingDirectory: string, main: string, modulePath: string): string {
  const mainDir = main.endsWith('.go')
    ? path.posix.dirname(main.replace(/\\/g, '/'))
    : main.replace(/\\/g, '/');
  const fromMain = lastImportElement(path.posix.normalize(mainDir));
  if (fromMain && fromMain !== '..') return fromMain;
  return lastImportElement(modulePath) || path.basename(path.resolve(workingDirectory));
}

/** binaryNameFor with the module path read from go.mod. */
export async function defaultBinaryName(workingDirectory: string, main: string): Promise<string> {
  return binaryNameFor(workingDirectory, main, await readModulePath(workingDirectory));
}

/** `go tool dist list`: every GOOS/GOARCH this Go builds. */
export async function readDistList(goBinary: string): Promise<string[]> {
  const result = await runGo(goBinary, ['tool', 'dist', 'list']);
  if (result.exitCode !== 0) {
    throw new Error(
      `\`go tool dist list\` failed with exit code ${result.exitCode}:\n${result.output.excerpt(10, QUOTED_LINES)}`,
    );
  }
  return splitLines(result.stdout);
}

/** Rejects targets missing from `go tool dist list`, listing what the toolchain can build for the same GOOS. Pure. */
export function checkTargets(targets: Target[], distList: string[]): void {
  const missing = unsupportedTargets(targets, distList);
  if (missing.length === 0) return;
  const knownOs = [...new Set(distList.map((p) => p.split('/')[0]!))];
  const hints = [...new Set(missing.map((t) => t.goos))].map((goos) => {
    const sameOs = distList.filter((p) => p.startsWith(`${goos}/`));
    return sameOs.length > 0
      ? `For ${goos} this Go builds ${sameOs.join(', ')}.`
      : `${goos} is not a GOOS this Go knows (${knownOs.join(', ')}).`;
  });
  throw new InputError(
    'targets',
    missing.map((t) => t.id).join(', '),
    `Not in \`go tool dist list\`. ${hints.join(' ')}`,
  );
}

/** Rejects targets the toolchain cannot build, listing what it can for the same GOOS. */
export async function checkTargetsSupported(goBinary: string, targets: Target[]): Promise<void> {
  checkTargets(targets, await readDistList(goBinary));
}

/** Requires `main` to name a `package main`, before any target is built. */
export async function checkMainPackage(
  goBinary: string,
  workingDirectory: string,
  main: string,
  buildTags: string[] = [],
): Promise<void> {
  const tags = buildTags.length > 0 ? ['-tags', buildTags.join(',')] : [];
  const result = await runGo(goBinary, ['list', ...tags, '-f', '{{.Name}}', '--', main], {
    cwd: workingDirectory,
  });
  const names = splitLines(result.stdout);
  const goModProblem = /^go: errors parsing go\.mod:|^go\.mod:\d+|\/go\.mod:\d+(:\d+)?: /m.exec(
    result.stderr,
  );
  if (result.exitCode !== 0 && goModProblem) {
    throw new InputError(
      'working-directory',
      workingDirectory,
      `Its go.mod cannot be parsed, so no package can be loaded (fix go.mod; \`go mod tidy\` shows the same):\n${lastLines(result.stderr, QUOTED_LINES)}`,
    );
  }
  if (result.exitCode !== 0) {
    throw new InputError(
      'main',
      main,
      `\`go list\` could not load it (exit code ${result.exitCode}). Give the folder of a package main relative to working-directory, e.g. . or ./cmd/server.\n${lastLines(result.stderr, QUOTED_LINES)}`,
    );
  }
  if (names.length !== 1 || names[0] !== 'main') {
    throw new InputError(
      'main',
      main,
      `It is package ${names.join(', ') || '(none)'}, not package main. Give the folder of a package main, e.g. ./cmd/server.`,
    );
  }
}
