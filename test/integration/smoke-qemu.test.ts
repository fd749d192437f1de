// Foreign Linux binaries under Debian's qemu-user-static: detection, passing, failing, retrying.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as io from '@actions/io';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import { findEmulators } from '../../src/smoke/emulator.js';
import { smokeBinary } from '../../src/smoke/healthz.js';
import { freePort } from '../../src/smoke/port.js';
import { liveCount } from '../../src/util/process/children.js';
import type { Emulator } from '../../src/smoke/plan.js';
import { runSmokeTargets } from '../../src/smoke/stage.js';
import { GIN_APP, makeTempDir } from '../support/fixtures.js';
import { buildFixtures, PidWatch, smokeOptions } from '../support/smoke-fixtures.js';

const HAS_QEMU = Boolean(
  (await io.which('qemu-aarch64-static', false)) && (await io.which('qemu-arm-static', false)),
);

let dir = '';
let bin: Record<string, string> = {};
let watch: PidWatch;
let emulators = new Map<string, Emulator>();

beforeAll(async () => {
  if (!HAS_QEMU) return;
  dir = await makeTempDir('smoke-qemu');
  watch = new PidWatch(dir);
  bin = await buildFixtures(dir, [
    { source: 'good', name: 'good' },
    { source: 'good', name: 'good-arm64', goarch: 'arm64' },
    { source: 'good', name: 'good-armv7', goarch: 'arm', goarm: '7' },
    { source: 'crash', name: 'crash-arm64', goarch: 'arm64' },
    { source: 'wrongport', name: 'wrongport-arm64', goarch: 'arm64' },
    { source: 'nosigterm', name: 'nosigterm-armv7', goarch: 'arm', goarm: '7' },
    { source: GIN_APP, name: 'gin-app-arm64', goarch: 'arm64' },
  ]);
  emulators = await findEmulators();
});

afterEach(() => {
  if (!HAS_QEMU) return;
  expect(watch.leftovers()).toEqual([]);
  expect(liveCount()).toBe(0);
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_QEMU)('under qemu-user-static (skipped when qemu-user-static is not installed)', () => {
  test('findEmulators finds the explicit qemu binaries on PATH', () => {
    expect(emulators.get('arm64')).toEqual({ kind: 'qemu', path: '/usr/bin/qemu-aarch64-static' });
    expect(emulators.get('arm')).toEqual({ kind: 'qemu', path: '/usr/bin/qemu-arm-static' });
    expect(emulators.get('riscv64')).toEqual({ kind: 'qemu', path: '/usr/bin/qemu-riscv64-static' });
  });

  test.each([
    ['good-arm64', 'qemu-aarch64-static', 'arm64'],
    ['good-armv7', 'qemu-arm-static', 'arm'],
  ])('%s passes under %s', async (name, runner, goarch) => {
    const result = watch.record(await smokeBinary(bin[name]!, emulators.get(goarch), smokeOptions()));
    expect(result).toMatchObject({ status: 'passed', reason: '', runner, attempts: 1 });
    expect(result.logTail!.at(-1)).toMatch(/bye$/);
    expect(watch.recorded()).toHaveLength(1);
  });

  test('the Gin fixture passes as linux/arm64', async () => {
    const result = await smokeBinary(bin['gin-app-arm64']!, emulators.get('arm64'), smokeOptions());
    expect(result).toMatchObject({ status: 'passed', runner: 'qemu-aarch64-static' });
  });

  test('an exit with a code under qemu is the app, not the emulator: not retried', async () => {
    const result = watch.record(
      await smokeBinary(bin['crash-arm64']!, emulators.get('arm64'), smokeOptions()),
    );
    expect(result).toMatchObject({ status: 'failed', runner: 'qemu-aarch64-static', attempts: 1 });
    expect(result.reason).toMatch(/^exited with code 1 after .*, before answering on 127\.0\.0\.1:\d+$/);
    expect(result.logTail).toContain('config error: DATABASE_URL is not set');
  });

  test('a port of its own is found through the emulator process and checked there', async () => {
    const ownPort = await freePort();
    const result = watch.record(
      await smokeBinary(
        bin['wrongport-arm64']!,
        emulators.get('arm64'),
        smokeOptions({ env: [['APP_ADDR', `127.0.0.1:${ownPort}`]] }),
      ),
    );
    expect(result).toMatchObject({ status: 'passed', answeredPort: ownPort, attempts: 1 });
    expect(result.warnings![0]).toContain(`but on 127.0.0.1:${ownPort}, where GET /healthz answered`);
  });

  test('ignoring SIGTERM under qemu: killed after the timeout, on each attempt', async () => {
    const result = watch.record(
      await smokeBinary(
        bin['nosigterm-armv7']!,
        emulators.get('arm'),
        smokeOptions({ shutdownTimeoutMs: 1000 }),
      ),
    );
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'did not shut down within 1 s after SIGTERM; killed it (2 attempts)',
      attempts: 2,
    });
  });

  test('the stage in auto mode runs native and emulated targets and says how', async () => {
    const items = [
      { target: parseTarget('linux/amd64'), binary: bin['good']! },
      { target: parseTarget('linux/arm64'), binary: bin['good-arm64']! },
      { target: parseTarget('linux/arm/v7'), binary: bin['good-armv7']! },
    ];
    const results = await runSmokeTargets(items, { mode: 'auto' }, smokeOptions());
    for (const result of results.values()) watch.record(result);
    expect(Object.fromEntries([...results].map(([id, r]) => [id, `${r.status} ${r.runner}`]))).toEqual({
      'linux/amd64': 'passed native',
      'linux/arm64': 'passed qemu-aarch64-static',
      'linux/arm/v7': 'passed qemu-arm-static',
    });
    const native = await runSmokeTargets(items, { mode: 'native' }, smokeOptions());
    for (const result of native.values()) watch.record(result);
    expect(native.get('linux/arm64')).toEqual({
      status: 'skipped',
      reason: 'smoke-targets is native and linux/arm64 needs an emulator',
    });
  });
});

describe('binfmt_misc fallback', () => {
  test('without qemu on PATH, an enabled binfmt_misc entry counts and a disabled one does not', async () => {
    const binfmt = await makeTempDir('binfmt');
    const savedPath = process.env['PATH'];
    try {
      await fs.writeFile(
        path.join(binfmt, 'qemu-aarch64'),
        'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\nmagic 7f454c46\n',
      );
      await fs.writeFile(
        path.join(binfmt, 'qemu-arm'),
        'disabled\ninterpreter /usr/libexec/qemu-binfmt/arm-binfmt-P\n',
      );
      process.env['PATH'] = binfmt;
      const found = await findEmulators(binfmt);
      expect(found.get('arm64')).toEqual({
        kind: 'binfmt',
        path: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      });
      expect(found.has('arm')).toBe(false);
      expect(found.has('riscv64')).toBe(false);
    } finally {
      process.env['PATH'] = savedPath;
      await fs.rm(binfmt, { recursive: true, force: true });
    }
  });
});
