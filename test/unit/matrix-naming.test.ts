// Shard artifact names and which of a run's artifacts a merge takes: unique per run attempt, service and shard, and
// a re-run's shard supersedes the earlier attempt's. Pure.
import { describe, expect, test } from 'vitest';
import { parseTargets } from '../../src/build/targets.js';
import {
  normaliseMain,
  parseShardArtifactName,
  runAttempt,
  selectShards,
  serviceId,
  shardArtifactName,
  shardKey,
  type ListedArtifact,
} from '../../src/matrix/naming.js';

const FORBIDDEN = /["':<>|*?\r\n\\/]/;

function name(targets: string, overrides: Partial<Parameters<typeof shardArtifactName>[0]> = {}): string {
  return shardArtifactName({
    binaryName: 'api',
    modulePath: 'example.com/shop/api',
    main: './cmd/api',
    targets: parseTargets(targets),
    attempt: 1,
    ...overrides,
  }).name;
}

describe('shard names', () => {
  test.each<[string, string, string]>([
    ['./cmd/server', 'cmd/server', 'leading ./'],
    ['cmd/server/', 'cmd/server', 'trailing /'],
    ['cmd\\server', 'cmd/server', 'Windows separators'],
    ['.', '.', 'module root'],
    ['./', '.', 'module root with slash'],
    ['./cmd/../cmd/server', 'cmd/server', 'dot-dot inside'],
  ])('main %j is %j (%s)', (main, expected) => {
    expect(normaliseMain(main)).toBe(expected);
  });

  test('the service is the module and the main package, however main is spelled', () => {
    expect(serviceId('example.com/a', './cmd/x')).toBe(serviceId('example.com/a', 'cmd/x/'));
    expect(serviceId('example.com/a', 'cmd/x')).not.toBe(serviceId('example.com/a', 'cmd/y'));
    expect(serviceId('example.com/a', '.')).not.toBe(serviceId('example.com/b', '.'));
  });

  test('the shard key is the target set in any order', () => {
    expect(shardKey(parseTargets('linux/amd64, linux/arm64'))).toBe(
      shardKey(parseTargets('linux/arm64,linux/amd64')),
    );
    expect(shardKey(parseTargets('linux/amd64'))).not.toBe(shardKey(parseTargets('linux/amd64/v3')));
  });

  test.each<[string, Record<string, unknown>]>([
    ['another attempt', { attempt: 2 }],
    ['another module', { modulePath: 'example.com/shop/web' }],
    ['another main package', { main: './cmd/worker' }],
  ])('names differ for %s', (_what, overrides) => {
    expect(name('linux/amd64', overrides)).not.toBe(name('linux/amd64'));
  });

  test('names differ per shard, are valid artifact names and parse back', () => {
    const names = ['linux/amd64, linux/arm64', 'windows/amd64', 'darwin/arm64, darwin/amd64'].map((t) =>
      name(t),
    );
    expect(new Set(names).size).toBe(3);
    for (const n of names) {
      expect(n).not.toMatch(FORBIDDEN);
      expect(parseShardArtifactName(n)).toMatchObject({ name: n, attempt: 1 });
    }
    expect(names[0]).toMatch(/^gin-release-shard_api-linux-amd64\.linux-arm64_[0-9a-f]{10}_[0-9a-f]{10}_a1$/);
  });

  test('a long target list is shortened in the readable part only', () => {
    const many = name(
      'linux/amd64, linux/arm64, linux/arm/v7, linux/386, linux/riscv64, linux/ppc64le, linux/s390x',
    );
    expect(many.length).toBeLessThan(100);
    expect(many).toMatch(/\.\+\d+_/);
    expect(parseShardArtifactName(many)?.key).toBe(
      shardKey(
        parseTargets(
          'linux/amd64, linux/arm64, linux/arm/v7, linux/386, linux/riscv64, linux/ppc64le, linux/s390x',
        ),
      ),
    );
  });

  test.each([
    'gin-release-shard',
    'app-linux-x64-12345678',
    'gin-release-shard_x_0123456789_abcdefabcd_a0',
    'gin-release-shard_x_0123456789_abcdefabc_a1',
  ])('%j is no shard name', (text) => {
    expect(parseShardArtifactName(text)).toBeNull();
  });

  test.each<[string | undefined, number]>([
    ['3', 3],
    [undefined, 1],
    ['', 1],
    ['0', 1],
    ['x', 1],
  ])('GITHUB_RUN_ATTEMPT %j is attempt %i', (value, attempt) => {
    expect(runAttempt(value)).toBe(attempt);
  });
});

describe('selectShards', () => {
  const service = serviceId('example.com/shop/api', './cmd/api');
  let nextId = 100;
  const artifact = (
    targets: string,
    attempt: number,
    overrides: Partial<ListedArtifact> = {},
  ): ListedArtifact => ({
    name: name(targets, { attempt }),
    id: nextId++,
    size: 10,
    digest: `sha256:${'0'.repeat(64)}`,
    ...overrides,
  });

  test('one per shard key, the newest attempt up to this one; other services and plain artifacts left alone', () => {
    const a1 = artifact('linux/amd64', 1);
    const b1 = artifact('windows/amd64', 1);
    const b2 = artifact('windows/amd64', 2);
    const c3 = artifact('darwin/arm64', 3);
    const other = {
      ...artifact('linux/amd64', 1),
      name: name('linux/amd64', { modulePath: 'example.com/other' }),
    };
    const plain = { name: 'release-linux-x64-0123abcd', id: 1, size: 1 };
    const selection = selectShards([a1, b1, b2, c3, other, plain], service, 2);
    expect(selection.chosen.map((c) => c.id).sort()).toEqual([a1.id, b2.id].sort());
    expect(selection.superseded.map((c) => c.id)).toEqual([b1.id]);
    expect(selection.later.map((c) => c.id)).toEqual([c3.id]);
  });

  test('the same name listed twice (an older upload of it kept): the higher id wins', () => {
    const older = artifact('linux/amd64', 1);
    const newer = { ...older, id: older.id + 50 };
    const selection = selectShards([newer, older], service, 1);
    expect(selection.chosen.map((c) => c.id)).toEqual([newer.id]);
    expect(selection.superseded.map((c) => c.id)).toEqual([older.id]);
  });

  test('nothing of this service: nothing chosen', () => {
    expect(selectShards([artifact('linux/amd64', 1)], serviceId('x', '.'), 1).chosen).toEqual([]);
  });
});
