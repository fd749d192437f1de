// writeSummary against a real GITHUB_STEP_SUMMARY file, with artifacts made from a real binary.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import { createArchive } from '../../src/package/archive.js';
import { writeSummary, type SummaryData } from '../../src/summary.js';
import type { ArtifactRecord } from '../../src/types.js';
import { sha256File } from '../../src/util/hash.js';
import { makeTempDir, removeTempDirs } from '../support/fixtures.js';
import { buildTinyGoBinary, EPOCH } from '../support/package-fixtures.js';

const TARGETS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'darwin/arm64', 'windows/amd64'];

let root: string;
let artifacts: ArtifactRecord[];
const savedSummaryEnv = process.env['GITHUB_STEP_SUMMARY'];

beforeAll(async () => {
  root = await makeTempDir('summary');
  const binary = await buildTinyGoBinary(path.join(root, 'go'));
  const { size } = await fs.stat(binary);
  const sha256 = await sha256File(binary);
  artifacts = [];
  for (const id of TARGETS) {
    const target = parseTarget(id);
    const archive = await createArchive({
      binaryPath: binary,
      binaryNameInArchive: target.goos === 'windows' ? 'tiny.exe' : 'tiny',
      target,
      format: target.goos === 'windows' ? 'zip' : 'tar.gz',
      extraFiles: [],
      outputPath: path.join(root, 'dist', `tiny_1.0.0_${id.replace(/\//g, '_')}`),
      epoch: EPOCH,
    });
    artifacts.push({
      target: id,
      goos: target.goos,
      goarch: target.goarch,
      variant: target.variant,
      path: binary,
      size,
      sha256,
      static: true,
      archive,
      smoke:
        id === 'linux/amd64'
          ? { status: 'passed', reason: '', readyMs: 120, shutdownMs: 8 }
          : { status: 'skipped', reason: `cannot run ${id} | here` },
    });
  }
});

afterEach(() => {
  if (savedSummaryEnv === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = savedSummaryEnv;
});

afterAll(removeTempDirs);

function data(): SummaryData {
  return {
    goVersion: '1.26.8',
    goSource: 'download',
    version: '1.0.0',
    commit: 'abcdef0123456789abcdef0123456789abcdef01',
    artifacts,
    stageTimings: [{ stage: 'build', ms: 4_200 }],
    cache: { hit: 'miss' },
    failures: [],
  };
}

// @actions/core remembers the summary path after its first successful write, so the tests that must not write
// run before the one that does, each with a path core has not accepted.
describe('writeSummary', () => {
  test('without GITHUB_STEP_SUMMARY it returns false and does not throw', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    await expect(writeSummary(data())).resolves.toBe(false);
  });

  test('an unwritable summary path is a warning, not an error', async () => {
    process.env['GITHUB_STEP_SUMMARY'] = path.join(root, 'no-such-folder', 'summary.md');
    await expect(writeSummary(data())).resolves.toBe(false);
    await expect(fs.access(path.join(root, 'no-such-folder'))).rejects.toThrow();
  });

  test('appends the rendered summary with a row for every target', async () => {
    const summaryFile = path.join(root, 'step-summary.md');
    await fs.writeFile(summaryFile, 'earlier step\n');
    process.env['GITHUB_STEP_SUMMARY'] = summaryFile;
    await expect(writeSummary(data())).resolves.toBe(true);
    const written = await fs.readFile(summaryFile, 'utf8');
    expect(written.startsWith('earlier step\n## Release 1.0.0 (`abcdef0`)')).toBe(true);
    for (const artifact of artifacts) {
      const archiveName = path.basename(artifact.archive!.path);
      const row = written.split('\n').find((line) => line.startsWith(`| ${artifact.target} |`));
      expect(row, artifact.target).toBeDefined();
      expect(row).toContain(`| \`${artifact.sha256.slice(0, 12)}\` | yes |`);
      expect(row).toContain(`| ${archiveName} (`);
    }
    expect(written).toContain('| linux/amd64 |');
    expect(written).toContain('passed in 120 ms, stopped in 8 ms');
    expect(written).toContain('skipped: cannot run linux/arm64 \\| here');
    expect(written).toContain('Go 1.26.8, downloaded and verified.');
  });
});
