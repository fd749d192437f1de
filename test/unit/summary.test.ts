import { describe, expect, test } from 'vitest';
import {
  escapeCell,
  formatBytes,
  formatDuration,
  renderSummary,
  type SummaryData,
} from '../../src/summary.js';
import type { ArtifactRecord } from '../../src/types.js';

const SHA = '3f5a0c2d9e11aa22bb33cc44dd55ee66ff77889900aabbccddeeff0011223344';

function artifact(target: string, extra: Partial<ArtifactRecord> = {}): ArtifactRecord {
  const [goos = '', goarch = '', variant = ''] = target.split('/');
  return {
    target,
    goos,
    goarch,
    variant,
    path: `/w/dist/app_${target.replace(/\//g, '_')}/app`,
    size: 7_759_462,
    sha256: SHA,
    static: true,
    ...extra,
  };
}

function data(extra: Partial<SummaryData> = {}): SummaryData {
  return {
    goVersion: '1.26.8',
    goSource: 'tool-cache',
    version: '1.2.3',
    commit: '0123456789abcdef0123456789abcdef01234567',
    artifacts: [],
    stageTimings: [],
    failures: [],
    ...extra,
  };
}

/** The table rows (lines starting with `|`) of the Binaries section. */
function binaryRows(markdown: string): string[] {
  const section = markdown.split('### Binaries')[1]!.split('\n### ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Target') && !line.startsWith('| ---'));
}

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [7_759_462, '7.4 MiB'],
    [1024 ** 3 * 2.25, '2.3 GiB'],
    [1024 ** 5, '1024.0 TiB'],
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0 ms'],
    [412.4, '412 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [3_249, '3.2 s'],
    [59_949, '59.9 s'],
    [125_000, '2 min 5 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('escapeCell', () => {
  test.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['line one\nline two', 'line one<br>line two'],
    ['crlf\r\nend', 'crlf<br>end'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['*bold* `code` [link](x) ~x~', '\\*bold\\* \\`code\\` \\[link\\](x) \\~x\\~'],
    ['C:\\path', 'C:\\\\path'],
  ])('%j -> %j', (text, escaped) => {
    expect(escapeCell(text)).toBe(escaped);
  });
});

describe('renderSummary', () => {
  test('heading, Go source and one row per target', () => {
    const markdown = renderSummary(
      data({
        artifacts: [
          artifact('linux/amd64', {
            smoke: { status: 'passed', reason: '', readyMs: 412, shutdownMs: 35, runner: 'native' },
            archive: { path: '/w/dist/app_1.2.3_linux_amd64.tar.gz', size: 3_250_000, sha256: SHA },
          }),
          artifact('linux/arm/v7', {
            smoke: { status: 'passed', reason: '', readyMs: 2_480, runner: 'qemu-arm-static' },
            archive: { path: '/w/dist/app_1.2.3_linux_armv7.tar.gz', size: 3_100_000, sha256: SHA },
          }),
          artifact('windows/amd64', {
            static: false,
            smoke: { status: 'skipped', reason: 'not runnable on linux/amd64' },
            archive: { path: '/w/dist/app_1.2.3_windows_amd64.zip', size: 3_300_000, sha256: SHA },
          }),
          artifact('darwin/arm64', {
            smoke: { status: 'failed', reason: 'GET /healthz answered 500 | body: boom\nsecond line' },
          }),
        ],
      }),
    );
    expect(markdown).toContain('## Release 1.2.3 (`0123456`)');
    expect(markdown).toContain("Go 1.26.8, from the runner's tool cache.");
    expect(binaryRows(markdown)).toEqual([
      '| linux/amd64 | 7.4 MiB | `3f5a0c2d9e11` | yes | passed in 412 ms, stopped in 35 ms | app_1.2.3_linux_amd64.tar.gz (3.1 MiB) |',
      '| linux/arm/v7 | 7.4 MiB | `3f5a0c2d9e11` | yes | passed in 2.5 s under qemu-arm-static | app_1.2.3_linux_armv7.tar.gz (3.0 MiB) |',
      '| windows/amd64 | 7.4 MiB | `3f5a0c2d9e11` | no | skipped: not runnable on linux/amd64 | app_1.2.3_windows_amd64.zip (3.1 MiB) |',
      '| darwin/arm64 | 7.4 MiB | `3f5a0c2d9e11` | yes | failed: GET /healthz answered 500 \\| body: boom<br>second line | none |',
    ]);
    // Every row has the header's six cells: no cell content broke the table.
    for (const row of binaryRows(markdown)) expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  test('a pass the smoke test had to find by itself says what it found', () => {
    const markdown = renderSummary(
      data({
        artifacts: [
          artifact('linux/amd64', {
            smoke: {
              status: 'passed',
              reason: '',
              readyMs: 40,
              shutdownMs: 3,
              answeredPort: 8081,
              healthPath: '/health',
              warnings: [
                'It does not listen on the port it was given (PORT=4000) but on 127.0.0.1:8081, ...',
              ],
            },
          }),
          artifact('linux/arm64', {
            smoke: { status: 'passed', reason: '', readyMs: 40, warnings: ['a page', 'a second one'] },
          }),
        ],
      }),
    );
    expect(binaryRows(markdown).map((row) => row.split(' | ')[4])).toEqual([
      'passed in 40 ms, stopped in 3 ms (on port 8081, not PORT; at /health; 1 warning)',
      'passed in 40 ms (2 warnings)',
    ]);
  });

  test('a bare binary, no smoke result and no commit', () => {
    const bare = artifact('linux/arm64');
    bare.archive = { path: bare.path, size: bare.size, sha256: bare.sha256 };
    const markdown = renderSummary(data({ commit: '', artifacts: [bare] }));
    expect(markdown).toContain('## Release 1.2.3\n');
    expect(binaryRows(markdown)).toEqual([
      '| linux/arm64 | 7.4 MiB | `3f5a0c2d9e11` | yes | not run | bare binary |',
    ]);
  });

  test.each<[SummaryData['goSource'], string]>([
    ['runner', 'Go 1.26.8, already on the runner.'],
    ['download', 'Go 1.26.8, downloaded and verified.'],
  ])('Go from %s', (goSource, line) => {
    expect(renderSummary(data({ goSource }))).toContain(line);
  });

  test('no binaries', () => {
    expect(renderSummary(data())).toContain('No binaries were built.');
  });

  test('failures come before the table, multi-line ones in a fence the text cannot close', () => {
    const markdown = renderSummary(
      data({
        failures: [
          'go build for linux/amd64 failed\n./main.go:3: ```undefined: x```',
          'smoke test <linux/arm64> failed',
        ],
      }),
    );
    expect(markdown.indexOf('### Failures')).toBeLessThan(markdown.indexOf('### Binaries'));
    expect(markdown).toContain(
      '- go build for linux/amd64 failed\n\n  ````\n  ./main.go:3: ```undefined: x```\n  ````',
    );
    expect(markdown).toContain('- smoke test &lt;linux/arm64&gt; failed');
  });

  test('stage timings, cache, image and uploads', () => {
    const markdown = renderSummary(
      data({
        stageTimings: [
          { stage: 'Go toolchain', ms: 1_200 },
          { stage: 'build', ms: 65_000 },
        ],
        cache: { hit: 'partial', key: 'go-linux-x64-1.26.8-abc|def' },
        image: {
          refs: ['ghcr.io/org/app:1.2.3', 'ghcr.io/org/app:latest'],
          digest: 'sha256:' + 'f'.repeat(64),
          platforms: ['linux/amd64', 'linux/arm64'],
          pushed: true,
        },
        uploads: [{ name: 'gin-release-linux', id: 42, size: 3_250_000 }, { name: 'gin-release-checksums' }],
      }),
    );
    expect(markdown).toContain('| Go toolchain | 1.2 s |');
    expect(markdown).toContain('| build | 1 min 5 s |');
    expect(markdown).toContain(
      'Go module and build cache: restored (partial match from a restore key), key go-linux-x64-1.26.8-abc\\|def.',
    );
    expect(markdown).toContain('- References: `ghcr.io/org/app:1.2.3`, `ghcr.io/org/app:latest`');
    expect(markdown).toContain('- Platforms: linux/amd64, linux/arm64');
    expect(markdown).toContain('- Pushed: yes');
    expect(markdown).toContain(`- Digest: \`sha256:${'f'.repeat(64)}\``);
    expect(markdown).toContain('| gin-release-linux | 42 | 3.1 MiB |');
    expect(markdown).toContain('| gin-release-checksums |  |  |');
  });

  test.each<[NonNullable<SummaryData['cache']>, string]>([
    [
      { hit: 'exact', key: 'k', save: { outcome: 'not-needed' } },
      'restored (exact key match), key k; nothing new to save.',
    ],
    [
      { hit: 'miss', key: 'k', save: { outcome: 'saved' } },
      'miss (nothing saved yet for this key), key k; saved after the build.',
    ],
    [
      {
        hit: 'miss',
        key: 'k',
        save: { outcome: 'skipped', detail: "this run's cache mode (read) allows no writes" },
      },
      "miss (nothing saved yet for this key), key k; save skipped: this run's cache mode (read) allows no writes.",
    ],
    [
      {
        hit: 'partial',
        key: 'k',
        detail: 'restored from j',
        save: { outcome: 'timeout', detail: 'gave up after 60 s (cache-timeout)' },
      },
      'restored (partial match from a restore key), key k: restored from j; save timed out: gave up after 60 s (cache-timeout).',
    ],
    [
      {
        hit: 'timeout',
        key: 'k',
        detail: 'gave up after 60 s (cache-timeout)',
        save: {
          outcome: 'skipped',
          detail: 'the restore timed out, so the cache service is not sent a save',
        },
      },
      'restore timed out, key k: gave up after 60 s (cache-timeout); save skipped: the restore timed out, so the cache service is not sent a save.',
    ],
    [
      {
        hit: 'error',
        key: 'k',
        detail: 'Failed to restore: 500',
        save: { outcome: 'skipped', detail: 'the restore failed' },
      },
      'restore failed, key k: Failed to restore: 500; save skipped: the restore failed.',
    ],
    [
      { hit: 'miss', key: 'k', save: { outcome: 'failed', detail: 'Failed to save: quota' } },
      'miss (nothing saved yet for this key), key k; save failed: Failed to save: quota.',
    ],
  ])('the cache line says what the restore and the save did: %j', (cache, line) => {
    expect(renderSummary(data({ cache }))).toContain(`Go module and build cache: ${line}`);
  });

  test('sections without data are left out; a skipped upload says why', () => {
    const markdown = renderSummary(data({ uploadSkippedReason: 'upload: false' }));
    expect(markdown).not.toContain('### Image');
    expect(markdown).not.toContain('Time per stage');
    expect(markdown).not.toContain('Go module and build cache');
    expect(markdown).not.toContain('### Failures');
    expect(markdown).toContain('Workflow artifacts: not uploaded (upload: false).');
  });
});
