// inspectBinary and checkInspection on real binaries of the std-app fixture: every format, byte order and word size
// we build, a cgo binary that is not static, a build without -trimpath, and files that are not binaries at all.
// The matrix comes from the integration project's global setup (test/support/shared-builds.ts).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BuildOutcome, runBuilds } from '../../src/build/compile.js';
import { planBuilds } from '../../src/build/plan.js';
import { checkInspection, type Inspection, InspectError, inspectBinary } from '../../src/build/inspect.js';
import { parseTarget, parseTargets } from '../../src/build/targets.js';
import { buildOptions, GO, runGo } from '../support/build-fixture.js';
import { makeTempDir, removeTempDirs, STD_APP } from '../support/fixtures.js';
import { sharedBuilds, sharedOutcome } from '../support/shared-builds.js';

const TARGETS = parseTargets(
  'linux/amd64, linux/arm64, linux/arm/v7, linux/386, linux/riscv64, linux/ppc64le, linux/s390x, linux/mips, ' +
    'darwin/arm64, windows/amd64, windows/386, freebsd/amd64',
);

let outputDir: string;
let outcomes: BuildOutcome[];
let goVersion: string;
const inspections = new Map<string, Inspection>();

beforeAll(async () => {
  const shared = sharedBuilds().stdApp;
  outputDir = shared.outputDir;
  outcomes = TARGETS.map((target) => sharedOutcome(shared, target.id));
  for (const outcome of outcomes)
    inspections.set(outcome.plan.target.id, await inspectBinary(outcome.plan.output));
  goVersion = (await runGo(['env', 'GOVERSION'], STD_APP)).output.trim();
});

afterAll(removeTempDirs);

function inspected(id: string): Inspection {
  const inspection = inspections.get(id);
  if (!inspection) throw new Error(`${id} was not built`);
  return inspection;
}

describe('headers', () => {
  test.each([
    ['linux/amd64', 'elf', 'linux', 'amd64'],
    ['linux/arm64', 'elf', 'linux', 'arm64'],
    ['linux/arm/v7', 'elf', 'linux', 'arm'],
    ['linux/386', 'elf', 'linux', '386'],
    ['linux/riscv64', 'elf', 'linux', 'riscv64'],
    ['linux/ppc64le', 'elf', 'linux', 'ppc64le'],
    ['linux/s390x', 'elf', 'linux', 's390x'],
    ['linux/mips', 'elf', 'linux', 'mips'],
    ['darwin/arm64', 'macho', 'darwin', 'arm64'],
    ['windows/amd64', 'pe', 'windows', 'amd64'],
    ['windows/386', 'pe', 'windows', '386'],
    ['freebsd/amd64', 'elf', 'freebsd', 'amd64'],
  ])('%s: %s %s/%s', (id, format, goos, goarch) => {
    expect(inspected(id)).toMatchObject({ format, goos, goarch });
  });

  test.each([
    'linux/amd64',
    'linux/arm64',
    'linux/arm/v7',
    'linux/386',
    'linux/s390x',
    'linux/mips',
    'freebsd/amd64',
  ])('%s is static: no interpreter, no shared libraries', (id) => {
    const inspection = inspected(id);
    expect(inspection.static).toBe(true);
    expect(inspection.interpreter).toBeUndefined();
    expect(inspection.needed).toEqual([]);
  });

  test('darwin binaries load libSystem through dyld, as every Go binary on macOS does', () => {
    const inspection = inspected('darwin/arm64');
    expect(inspection.interpreter).toBe('/usr/lib/dyld');
    expect(inspection.needed).toContain('/usr/lib/libSystem.B.dylib');
    expect(inspection.static).toBe(false);
  });

  test('windows binaries import kernel32.dll', () => {
    expect(inspected('windows/amd64').needed.map((n) => n.toLowerCase())).toContain('kernel32.dll');
  });

  test('size and sha256 describe the file', async () => {
    const outcome = outcomes[0]!;
    const stat = await fs.stat(outcome.plan.output);
    const inspection = inspected(outcome.plan.target.id);
    expect(inspection.size).toBe(stat.size);
    expect(inspection.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([...inspections.values()].map((i) => i.sha256)).size).toBe(TARGETS.length);
  });
});

describe('Go build info survives -s -w', () => {
  test.each(TARGETS.map((t) => [t.id, t] as const))('%s', (_id, target) => {
    const info = inspected(target.id).buildInfo;
    expect(info).toBeDefined();
    expect(info!.goVersion).toBe(goVersion);
    expect(info!.path).toBe('example.com/std-app');
    expect(info!.mainModule).toEqual({ path: 'example.com/std-app', version: '(devel)', sum: '' });
    expect(info!.deps.map((d) => d.path)).toContain('example.com/health');
    expect(info!.settings).toMatchObject({
      CGO_ENABLED: '0',
      '-trimpath': 'true',
      GOOS: target.goos,
      GOARCH: target.goarch,
      '-buildmode': 'exe',
    });
    // With -trimpath the go command leaves -ldflags out of build info (golang/go#52372); the stamps are in the data.
    expect(info!.settings['-ldflags']).toBeUndefined();
  });

  test('variant settings are recorded', () => {
    expect(inspected('linux/arm/v7').buildInfo!.settings['GOARM']).toMatch(/^7/);
    expect(inspected('linux/amd64').buildInfo!.settings['GOAMD64']).toBe('v1');
  });
});

describe('checkInspection', () => {
  test.each(TARGETS.map((t) => [t.id, t] as const))('%s passes for its own target', (_id, target) => {
    expect(checkInspection(inspected(target.id), target, { cgo: false })).toEqual([]);
  });

  test.each([
    ['linux/arm64', 'linux/amd64', 'linux/amd64: expected an ELF binary for amd64, found ELF for arm64'],
    ['windows/amd64', 'linux/amd64', 'linux/amd64: expected an ELF binary for amd64, found PE for amd64'],
    ['linux/amd64', 'windows/amd64', 'windows/amd64: expected a PE binary for amd64, found ELF for amd64'],
    ['darwin/arm64', 'linux/arm64', 'linux/arm64: expected an ELF binary for arm64, found Mach-O for arm64'],
    ['freebsd/amd64', 'linux/amd64', 'linux/amd64: expected a binary for linux, found one for freebsd'],
    ['linux/386', 'windows/386', 'windows/386: expected a PE binary for 386, found ELF for 386'],
    ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v6: build info says GOARM=7, expected 6'],
  ])('a %s binary labelled %s', (built, claimed, message) => {
    expect(checkInspection(inspected(built), parseTarget(claimed), { cgo: false })).toContain(message);
  });

  test('a binary without build info is reported', () => {
    const withoutInfo = { ...inspected('linux/amd64'), buildInfo: undefined };
    expect(checkInspection(withoutInfo, parseTarget('linux/amd64'), { cgo: false })).toEqual([
      'linux/amd64: no Go build info found in the binary; was it built by go 1.18 or newer?',
    ]);
  });
});

describe('binaries built differently', () => {
  test('a cgo binary links libc dynamically and fails the static check unless cgo is on', async () => {
    const out = await makeTempDir('cgo');
    const target = parseTarget('linux/amd64');
    const [outcome] = await runBuilds(
      planBuilds(buildOptions({ workingDirectory: STD_APP, outputDir: out, targets: [target], cgo: true })),
      1,
      GO,
      STD_APP,
    );
    expect(outcome!.ok, outcome!.output).toBe(true);
    const inspection = await inspectBinary(outcome!.plan.output);
    expect(inspection.static).toBe(false);
    expect(inspection.interpreter).toMatch(/^\/lib(64)?\/ld-linux-x86-64\.so\.2$/);
    expect(inspection.needed).toContain('libc.so.6');
    expect(inspection.buildInfo!.settings['CGO_ENABLED']).toBe('1');

    const problems = checkInspection(inspection, target, { cgo: false });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^linux\/amd64: not statically linked \(interpreter \/lib(64)?\/ld-linux-x86-64\.so\.2; shared libraries .*libc\.so\.6.*\); it will not start/,
    );
    expect(problems[1]).toMatch(/^linux\/amd64: build info says CGO_ENABLED=1, expected 0/);
    expect(checkInspection(inspection, target, { cgo: true })).toEqual([]);
  });

  test('a plain go build without -trimpath is reported', async () => {
    const inspection = await inspectBinary(sharedBuilds().stdAppPlain);
    expect(inspection.static).toBe(true);
    expect(checkInspection(inspection, parseTarget('linux/amd64'), { cgo: false })).toEqual([
      'linux/amd64: build info does not record -trimpath=true, so the binary may hold runner paths and is not reproducible.',
    ]);
  });
});

describe('files that are not what they should be', () => {
  test('a truncated ELF is an InspectError naming the file', async () => {
    const dir = await makeTempDir('corrupt');
    const file = path.join(dir, 'truncated');
    const original = await fs.readFile(outcomes[0]!.plan.output);
    await fs.writeFile(file, original.subarray(0, 80));
    await expect(inspectBinary(file)).rejects.toThrow(InspectError);
    await expect(inspectBinary(file)).rejects.toThrow(/truncated: truncated or corrupt header/);
  });

  test('an empty file is an InspectError', async () => {
    const file = path.join(await makeTempDir('empty'), 'empty');
    await fs.writeFile(file, '');
    await expect(inspectBinary(file)).rejects.toThrow(/too short for an executable/);
  });

  test('a shell script is an unrecognised format and fails every check that matters', async () => {
    const file = path.join(await makeTempDir('script'), 'std-app');
    await fs.writeFile(file, `#!/bin/sh\n${'echo pretending to be a server\n'.repeat(4)}`);
    const inspection = await inspectBinary(file);
    expect(inspection).toMatchObject({ format: 'unknown', goarch: '', static: false, needed: [] });
    expect(inspection.buildInfo).toBeUndefined();
    expect(checkInspection(inspection, parseTarget('linux/amd64'), { cgo: false })).toEqual([
      'linux/amd64: expected an ELF binary for amd64, found unrecognised for an unknown architecture',
      'linux/amd64: no Go build info found in the binary; was it built by go 1.18 or newer?',
    ]);
  });

  test('a missing file says so', async () => {
    await expect(inspectBinary(path.join(outputDir, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});
