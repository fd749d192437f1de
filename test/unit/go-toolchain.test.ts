// The pure decisions behind setupGo that came with the install split: go.mod read as the go command reads it,
// the go-version check the input reader shares with the resolver, what a failed download advises, and the
// toolchain module zip read from a file (hash and extraction, streamed).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { downloadFailureAdvice, withAdvice } from '../../src/go/advice.js';
import {
  MAX_MODULE_ZIP_BYTES,
  moduleZipSizeProblem,
  restoredGoMod,
  toolchainFileMode,
} from '../../src/go/modproxy.js';
import { ToolchainZip } from '../../src/go/toolchain-zip.js';
import type { GoAtHand } from '../../src/go/types.js';
import { parseVersionFile, readGoModVersions } from '../../src/go/version-file.js';
import {
  checkGoVersionInput,
  describeSpec,
  type GoVersion,
  localMinimum,
  type ModuleRequirement,
  parseGoVersion,
  parseVersionInput,
  requirementProblem,
  specCeiling,
} from '../../src/go/version.js';
import { hashZip } from '../../src/go/zip-reader.js';
import { buildZip } from '../support/go-zip.js';

function version(text: string): GoVersion {
  const parsed = parseGoVersion(text);
  if (!parsed) throw new Error(`test bug: ${text} is not a version`);
  return parsed;
}

const requirement = (text: string, line = 3): ModuleRequirement => ({
  version: version(text),
  file: 'go.mod',
  line,
});

describe('go.mod go and toolchain lines', () => {
  test.each([
    ['module m\n\ngo 1.26\n', { go: ['1.26', 3], toolchain: undefined, toolchainDefault: false }],
    ['module m\ngo 1.26.3\ntoolchain go1.26.8\n', { go: ['1.26.3', 2], toolchain: ['1.26.8', 3] }],
    ['module m\r\ngo 1.27rc1 // pre-release\r\n', { go: ['1.27rc1', 2] }],
    ['module m\ngo 1.26\ntoolchain default\n', { go: ['1.26', 2], toolchainDefault: true }],
    // Lines inside a block are arguments, not directives.
    ['module m\nrequire (\n\tgo 1.0.0\n)\ngo 1.25.0\n', { go: ['1.25.0', 5] }],
    ['module m\nrequire(\n\texample.com/go v1.0.0\n)\n', { go: undefined, toolchain: undefined }],
    ['module m\n// go 1.99\n', { go: undefined }],
  ])('%j', (content, expected) => {
    const read = readGoModVersions('go.mod', content);
    if ('problem' in read) throw new Error(read.problem);
    const pair = (d: { version: GoVersion; line: number } | undefined) =>
      d ? [d.version.text, d.line] : undefined;
    expect({
      go: pair(read.go),
      toolchain: pair(read.toolchain),
      toolchainDefault: read.toolchainDefault,
    }).toMatchObject(expected);
  });

  test.each([
    [
      'module m\n\ngo garbage\n',
      'go.mod line 3 has "go garbage", which is not a Go version such as 1.26 or 1.26.3.',
    ],
    [
      'module m\ngo go1.26\n',
      'go.mod line 2 has "go go1.26", which is not a Go version such as 1.26 or 1.26.3.',
    ],
    [
      'module m\ngo 1.026\n',
      'go.mod line 2 has "go 1.026", which is not a Go version such as 1.26 or 1.26.3.',
    ],
    [
      'module m\ngo 1.26.1rc1\n',
      'go.mod line 2 has "go 1.26.1rc1", which is not a Go version such as 1.26 or 1.26.3.',
    ],
    ['module m\ngo\n', 'go.mod line 2 has "go", but a go line takes exactly one version.'],
    [
      'module m\ngo 1.26 1.27\n',
      'go.mod line 2 has "go 1.26 1.27", but a go line takes exactly one version.',
    ],
    ['module m\ngo 1.26\n\ngo 1.27\n', 'go.mod line 4 repeats the go directive of line 2.'],
    [
      'go 1.26\ntoolchain go1.26.1\ntoolchain go1.26.2\n',
      'go.mod line 3 repeats the toolchain directive of line 2.',
    ],
    [
      'go 1.26\ntoolchain default\ntoolchain go1.26.2\n',
      'go.mod line 3 repeats the toolchain directive of line 2.',
    ],
    [
      'go 1.26\ntoolchain 1.26.8\n',
      'go.mod line 2 has "toolchain 1.26.8", which is not a Go release such as go1.26.8.',
    ],
    [
      'go 1.26\ntoolchain go1.26\n',
      'go.mod line 2 has "toolchain go1.26", which is not a Go release such as go1.26.8.',
    ],
  ])('%j is refused: %s', (content, problem) => {
    expect(readGoModVersions('go.mod', content)).toEqual({ problem });
  });

  test.each([
    // The toolchain line is a minimum that names the release to download when nothing local reaches it.
    ['go 1.26.3\ntoolchain go1.26.8\n', 'exact', '1.26.8', '1.26.8', 'go.mod toolchain line', '1.26.3'],
    ['go 1.20\ntoolchain go1.20.7\n', 'exact', '1.20.7', '1.20.7', 'go.mod toolchain line', '1.20'],
    // A go line newer than the toolchain line wins, as in the go command.
    [
      'go 1.26.5\ntoolchain go1.26.1\n',
      'line',
      '1.26.x >= 1.26.5',
      '1.26.5',
      'go.mod go 1.26.5 line',
      '1.26.5',
    ],
    ['go 1.26\ntoolchain default\n', 'line', '1.26.x', '1.26', 'go.mod go 1.26 line', '1.26'],
    ['toolchain go1.26.8\n', 'exact', '1.26.8', '1.26.8', 'go.mod toolchain line', undefined],
  ])('%j: %s %s, at least %s (%s), requires %s', (content, kind, described, minimum, origin, requires) => {
    const { spec, origin: from, requires: req } = parseVersionFile('go.mod', '/repo/go.mod', content);
    expect(spec.kind).toBe(kind);
    expect(describeSpec(spec)).toBe(described);
    expect(localMinimum(spec)?.text).toBe(minimum);
    expect(from).toBe(origin);
    expect(req?.version.text).toBe(requires);
  });

  test.each([
    ['module m\ntoolchain default\n', /"toolchain default" and no go line/],
    ['module m\n\ngo garbage\n', /go\.mod line 3 has "go garbage"/],
  ])('%j is an InputError naming go-version-file', (content, why) => {
    expect(() => parseVersionFile('go.mod', '/repo/go.mod', content)).toThrow(InputError);
    expect(() => parseVersionFile('go.mod', '/repo/go.mod', content)).toThrow(why);
  });
});

describe('go-version: one parser checks and resolves', () => {
  test.each([
    ['', undefined],
    ['  ', undefined],
    ['latest', 'stable'],
    ['stable', 'stable'],
    ['oldstable', 'oldstable'],
    ['1.26', '1.26.x'],
    ['go1.26.8', '1.26.8'],
  ])('%j is accepted as %s', (value, described) => {
    const spec = checkGoVersionInput(value);
    expect(spec && describeSpec(spec)).toBe(described);
    if (spec) expect(spec).toEqual(parseVersionInput(value));
  });

  test.each(['latest-ish', 'newest', '^1.26', '1.26.1rc1', 'v1.26'])(
    '%j is refused naming go-version',
    (value) => {
      expect(() => checkGoVersionInput(value)).toThrow(InputError);
      expect(() => checkGoVersionInput(value)).toThrow(
        `Invalid input go-version: ${JSON.stringify(value)}. Allowed: an exact release (1.26.8, 1.26rc1), a minor ` +
          'line (1.26 or 1.26.x), stable (alias latest) or oldstable.',
      );
    },
  );

  test.each([
    ['1.26.8', '1.26.8'],
    ['1.26', '1.26.x'],
    ['1', undefined],
    ['stable', undefined],
    ['oldstable', undefined],
  ])('go-version %s can resolve to %s at most', (value, ceiling) => {
    expect(specCeiling(parseVersionInput(value))?.text).toBe(ceiling);
  });

  test('the ceiling of a minor line is above every patch of it and below the next line', () => {
    const ceiling = specCeiling(parseVersionInput('1.26'))!;
    expect(requirementProblem(ceiling, requirement('1.26.99'))).toBeNull();
    expect(requirementProblem(ceiling, requirement('1.27.0'))).toMatch(
      /^Go 1\.26\.x is older than go\.mod line 3/,
    );
  });

  test.each([
    [parseVersionInput('1.26.8'), undefined],
    [parseVersionInput('1.26'), undefined],
    [parseVersionInput('stable'), undefined],
  ])('an input spec %j is no minimum', (spec, minimum) => {
    expect(localMinimum(spec)).toBe(minimum);
  });

  test.each([
    ['1.26.8', requirement('1.26.3'), null],
    ['1.26.3', requirement('1.26.3'), null],
    ['1.26.0', requirement('1.26'), null],
    ['1.27rc1', requirement('1.26.3'), null],
    ['1.26.8', undefined, null],
    // `go 1.26` is the language version: its release candidates meet it, as in the go command.
    ['1.26rc1', requirement('1.26'), null],
    [
      '1.26rc1',
      requirement('1.26.0'),
      'Go 1.26rc1 is older than go.mod line 3 (go 1.26.0), and the go command refuses to build the module with it (GOTOOLCHAIN=local).',
    ],
    [
      '1.20rc1',
      requirement('1.20'),
      'Go 1.20rc1 is older than go.mod line 3 (go 1.20), and the go command refuses to build the module with it (GOTOOLCHAIN=local).',
    ],
    [
      '1.25.9',
      requirement('1.26.3'),
      'Go 1.25.9 is older than go.mod line 3 (go 1.26.3), and the go command refuses to build the module with it (GOTOOLCHAIN=local).',
    ],
  ])('Go %s against %j: %s', (have, requires, problem) => {
    expect(requirementProblem(version(have), requires)).toBe(problem);
  });
});

describe('advice after a failed download', () => {
  const onPath = (text: string): GoAtHand => ({ version: version(text), where: 'PATH' });
  const cached = (text: string): GoAtHand => ({ version: version(text), where: 'tool cache' });
  const PROXY =
    'set go-download-source: module-proxy to download it as the golang.org/toolchain module through GOPROXY instead.';
  const GO_DEV = 'set go-download-source: go.dev to download it from go-download-base-url instead.';

  test.each<[string, 'go.dev' | 'module-proxy', GoAtHand[], ModuleRequirement | undefined, string]>([
    [
      'nothing at hand',
      'go.dev',
      [],
      undefined,
      `This runner has no Go on PATH or in its tool cache to use instead; ${PROXY}`,
    ],
    [
      'nothing at hand, proxy',
      'module-proxy',
      [],
      undefined,
      `This runner has no Go on PATH or in its tool cache to use instead; ${GO_DEV}`,
    ],
    [
      'one on PATH',
      'go.dev',
      [onPath('1.26.8')],
      undefined,
      `To build with a Go this runner already has, set go-version to 1.26.8 (on PATH); or ${PROXY}`,
    ],
    [
      'several, the same release once',
      'module-proxy',
      [onPath('1.26.8'), cached('1.26.8'), cached('1.25.3')],
      requirement('1.25'),
      `To build with a Go this runner already has, set go-version to one of 1.26.8 (on PATH), 1.25.3 (in the tool cache); or ${GO_DEV}`,
    ],
    [
      'only those the go line allows',
      'go.dev',
      [onPath('1.26.8'), cached('1.25.3')],
      requirement('1.26.1'),
      `To build with a Go this runner already has, set go-version to 1.26.8 (on PATH); or ${PROXY}`,
    ],
    [
      'none reaches the go line',
      'go.dev',
      [onPath('1.26.8')],
      requirement('1.99.0', 5),
      `No Go on this runner reaches go.mod line 5 (go 1.99.0): it has 1.26.8 (on PATH); ${PROXY}`,
    ],
  ])('%s', (_case, source, atHand, requires, advice) => {
    expect(downloadFailureAdvice(source, atHand, requires)).toBe(advice);
  });

  test.each([
    ['x answered HTTP 404: not found', 'x answered HTTP 404: not found. Do this.'],
    [
      'Set go-skip-checksum: true to accept it unverified.',
      'Set go-skip-checksum: true to accept it unverified. Do this.',
    ],
    ['cut (aborted)\n', 'cut (aborted). Do this.'],
  ])('%j then the advice', (message, joined) => {
    expect(withAdvice(message, 'Do this.')).toBe(joined);
  });
});

describe('toolchain module zip rules', () => {
  test.each([
    ['bin/go', 0o755],
    ['bin/gofmt', 0o755],
    ['pkg/tool/linux_amd64/compile', 0o755],
    ['pkg/tool/linux_amd64/README', 0o755],
    ['lib/wasm/go_js_wasm_exec', 0o755],
    ['lib/wasm/go_wasip1_wasm_exec', 0o755],
    ['lib/wasm/wasm_exec.js', 0o644],
    ['lib/time/zoneinfo.zip', 0o644],
    ['pkg/include/asm_ppc64x.h', 0o644],
    ['src/cmd/go/main.go', 0o644],
    ['VERSION', 0o644],
    ['misc/bin/tool', 0o644],
  ])('%s gets mode %o', (relative, mode) => {
    expect(toolchainFileMode(relative)).toBe(mode);
  });

  test.each([
    ['src/_go.mod', 'src/go.mod'],
    ['src/cmd/_go.mod', 'src/cmd/go.mod'],
    ['_go.mod', 'go.mod'],
    ['src/go.mod', null],
    ['src/x_go.mod', null],
  ])('%s is restored as %s', (relative, restored) => {
    expect(restoredGoMod(relative)).toBe(restored);
  });

  test.each([
    [1000, [10, 20], null],
    [MAX_MODULE_ZIP_BYTES, [MAX_MODULE_ZIP_BYTES], null],
    [
      MAX_MODULE_ZIP_BYTES + 1,
      [1],
      `the zip has ${MAX_MODULE_ZIP_BYTES + 1} bytes, more than the 500 MiB a module zip may hold`,
    ],
    [
      1000,
      [MAX_MODULE_ZIP_BYTES, 1],
      `its files add up to ${MAX_MODULE_ZIP_BYTES + 1} bytes, more than the 500 MiB a module zip may hold`,
    ],
  ])('a %d byte zip of entries %j: %s', (bytes, sizes, problem) => {
    expect(moduleZipSizeProblem(bytes, sizes)).toBe(problem);
  });
});

describe('toolchain zip from a file', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-toolchain-zip-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const prefix = 'golang.org/toolchain@v0.0.1-go1.99.1.linux-amd64/';
  const files = [
    { name: `${prefix}bin/go`, data: '#!/bin/sh\necho go1.99.1\n' },
    { name: `${prefix}VERSION`, data: 'go1.99.1\ntime 2026-01-01T00:00:00Z\n' },
    { name: `${prefix}src/_go.mod`, data: 'module std\n\ngo 1.99\n' },
    { name: `${prefix}pkg/tool/linux_amd64/compile`, data: 'x'.repeat(200_000) },
    { name: `${prefix}lib/wasm/go_js_wasm_exec`, data: '#!/bin/sh\n' },
  ];
  let count = 0;
  function writeZip(zip: Buffer): string {
    const file = path.join(work, `t${count++}.zip`);
    fs.writeFileSync(file, zip);
    return file;
  }

  test.each([
    ['deflated', buildZip(files)],
    ['stored', buildZip(files.map((f) => ({ ...f, method: 'store' as const })))],
    ['zip64', buildZip(files, { zip64: true })],
  ])(
    'a %s zip on disk hashes as the same bytes in memory do, and extracts with modes',
    async (_layout, bytes) => {
      const zip = await ToolchainZip.open(writeZip(bytes));
      try {
        expect(zip.bytes).toBe(bytes.length);
        expect(zip.sizeProblem()).toBeNull();
        expect(await zip.hash()).toBe((await hashZip(bytes)).hash);
        const goroot = path.join(work, `goroot-${count++}`);
        expect(await zip.extract(prefix, goroot)).toBeNull();
        for (const file of files) {
          const relative = file.name.slice(prefix.length);
          expect(fs.readFileSync(path.join(goroot, relative), 'utf8')).toBe(file.data);
        }
        expect(fs.readFileSync(path.join(goroot, 'src', 'go.mod'), 'utf8')).toBe('module std\n\ngo 1.99\n');
        if (process.platform !== 'win32') {
          const mode = (relative: string) => fs.statSync(path.join(goroot, relative)).mode & 0o777;
          expect(mode('bin/go')).toBe(0o755);
          expect(mode('pkg/tool/linux_amd64/compile')).toBe(0o755);
          expect(mode('lib/wasm/go_js_wasm_exec')).toBe(0o755);
          expect(mode('VERSION')).toBe(0o644);
          expect(mode('src/go.mod')).toBe(0o644);
        }
      } finally {
        await zip.close();
      }
    },
  );

  /** The zip with the first entry's uncompressed size in the central directory lowered by `by` bytes. */
  function understate(zip: Buffer, by: number): Buffer {
    const copy = Buffer.from(zip);
    const central = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    copy.writeUInt32LE(copy.readUInt32LE(central + 24) - by, central + 24);
    return copy;
  }

  test.each([
    ['a small entry (read in one piece)', 1, 5000, /has 5000 bytes, the directory says 4999/],
    ['a small entry (read in one piece)', 100, 5000, /has more bytes than the 4900 the directory says/],
    ['a large entry (streamed)', 1, 3_000_000, /has more bytes than the 2999999 the directory says/],
  ])('%s whose directory understates its size by %i bytes is refused', async (_what, by, size, message) => {
    const bytes = understate(buildZip([{ name: `${prefix}bin/go`, data: 'x'.repeat(size) }]), by);
    await expect(hashZip(bytes)).rejects.toThrow(message);
  });

  test('a zip whose names leave the prefix is refused before anything is written', async () => {
    const zip = await ToolchainZip.open(
      writeZip(buildZip([...files, { name: `${prefix}../evil`, data: 'x' }])),
    );
    const goroot = path.join(work, 'refused');
    try {
      expect(await zip.extract(prefix, goroot)).toMatch(/not a clean relative path/);
      expect(fs.existsSync(goroot)).toBe(false);
    } finally {
      await zip.close();
    }
  });

  test.each([
    ['truncated', (zip: Buffer) => zip.subarray(0, zip.length - 40), 'open', /end of central directory/],
    [
      'a stored byte flipped',
      (zip: Buffer) => {
        const copy = Buffer.from(zip);
        copy[copy.indexOf('echo go1.99.1')] = 'E'.charCodeAt(0);
        return copy;
      },
      'hash',
      /CRC-32/,
    ],
  ])('a %s file is refused when it is read (%s)', async (_what, damage, step, message) => {
    const file = writeZip(damage(buildZip(files.map((f) => ({ ...f, method: 'store' as const })))));
    if (step === 'open') {
      await expect(ToolchainZip.open(file)).rejects.toThrow(message);
      return;
    }
    const zip = await ToolchainZip.open(file);
    try {
      await expect(zip.hash()).rejects.toThrow(message);
    } finally {
      await zip.close();
    }
  });
});
