// Package-stage speed and size for one real Gin binary (~14 MB): our tar.gz and zip writers through createArchive,
// against the libraries they could be replaced by (tar-stream + zlib gzip, zip-stream, yazl), all at zlib level 6
// and doing the same work: read the files, write the archive, hash it. Scenarios are interleaved per round.
// Run: node --import tsx bench/archive.ts [binary]   (writes bench/results/archive.json; builds gin-app if no binary)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { createArchive } from '../src/package/archive.js';
import { COMPRESSION_LEVEL } from '../src/package/entries.js';
import type { Target } from '../src/types.js';
import { sha256File } from '../src/util/hash.js';
import { tarStreamTar, type LibraryEntry, yazlZip, zipStreamZip } from '../test/support/archive-libraries.js';
import { stats, type Stats } from './stats.js';

const RUNS = 9;
const EPOCH = 1_700_000_000;
const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/gin-app');
const TARGET: Target = { goos: 'linux', goarch: 'amd64', variant: '', id: 'linux/amd64' };
const gzip = promisify(zlib.gzip);
const showMs = (s: Stats): string => `median ${s.median} ms (min ${s.min}, max ${s.max}, n=${s.runs.length})`;

interface Row {
  scenario: string;
  ms: Stats;
  bytes: number;
  /** The same sha256 in every run. */
  sameBytesEveryRun: boolean;
}

async function binaryToMeasure(dir: string): Promise<string> {
  const given = process.argv[2];
  if (given) return path.resolve(given);
  const binary = path.join(dir, 'gin-app');
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', binary, '.'], {
    cwd: FIXTURE,
    env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return binary;
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-bench-archive-'));
try {
  const binary = await binaryToMeasure(dir);
  const extras = ['LICENSE', 'README.md'].map((name) => path.join(FIXTURE, name));
  const readEntries = async (): Promise<LibraryEntry[]> => [
    ...(await Promise.all(
      extras.map(async (file) => ({ name: path.basename(file), data: await fs.readFile(file), mode: 0o644 })),
    )),
    { name: 'gin-app', data: await fs.readFile(binary), mode: 0o755 },
  ];
  const writeAndHash = async (file: string, bytes: Buffer): Promise<string> => {
    await fs.writeFile(file, bytes);
    return sha256File(file);
  };
  const ours = (format: 'tar.gz' | 'zip') => async (base: string) =>
    (
      await createArchive({
        binaryPath: binary,
        binaryNameInArchive: 'gin-app',
        target: TARGET,
        format,
        extraFiles: extras,
        outputPath: base,
        epoch: EPOCH,
      })
    ).sha256;
  const scenarios: Array<[string, string, (base: string, file: string) => Promise<string>]> = [
    ['ours tar.gz (createArchive)', '.tar.gz', ours('tar.gz')],
    ['ours zip (createArchive)', '.zip', ours('zip')],
    [
      'tar-stream + zlib gzip',
      '.tar.gz',
      async (_base, file) =>
        writeAndHash(
          file,
          await gzip(await tarStreamTar(await readEntries(), EPOCH), { level: COMPRESSION_LEVEL }),
        ),
    ],
    [
      'zip-stream',
      '.zip',
      async (_base, file) =>
        writeAndHash(file, await zipStreamZip(await readEntries(), EPOCH, COMPRESSION_LEVEL)),
    ],
    [
      'yazl',
      '.zip',
      async (_base, file) => writeAndHash(file, await yazlZip(await readEntries(), EPOCH, COMPRESSION_LEVEL)),
    ],
  ];

  const times = new Map<string, number[]>(scenarios.map(([name]) => [name, []]));
  const hashes = new Map<string, Set<string>>(scenarios.map(([name]) => [name, new Set()]));
  const sizes = new Map<string, number>();
  for (let round = 0; round < RUNS; round++) {
    for (const [name, ext, run] of scenarios) {
      const out = path.join(dir, `${name.replace(/\W+/g, '-')}-${round}`);
      const started = performance.now();
      hashes.get(name)!.add(await run(out, out + ext));
      times.get(name)!.push(Math.round(performance.now() - started));
      sizes.set(name, (await fs.stat(out + ext)).size);
      await fs.rm(out + ext);
    }
  }
  const rows: Row[] = scenarios.map(([name]) => ({
    scenario: name,
    ms: stats(times.get(name)!),
    bytes: sizes.get(name)!,
    sameBytesEveryRun: hashes.get(name)!.size === 1,
  }));

  const binaryBytes = (await fs.stat(binary)).size;
  console.log(
    `\nArchiving a ${(binaryBytes / 1e6).toFixed(1)} MB Gin binary + LICENSE + README.md, ${RUNS} runs each\n`,
  );
  for (const row of rows) {
    console.log(
      `${row.scenario.padEnd(28)} ${showMs(row.ms)}; ${row.bytes} bytes; same bytes every run: ${row.sameBytesEveryRun}`,
    );
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const out = path.resolve(import.meta.dirname, 'results/archive.json');
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(
    out,
    `${JSON.stringify(
      {
        benchmark: 'archive',
        date: new Date().toISOString(),
        commit,
        binaryBytes,
        runs: RUNS,
        loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
        level: COMPRESSION_LEVEL,
        method:
          'in-process wall time per archive, file reads + archive + write + sha256; scenarios interleaved per round',
        rows,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`written ${path.relative(process.cwd(), out)}`);
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
