// The image stage against the usual alternative, on the gin fixture, linux/amd64 + linux/arm64:
//  (a) our stage: an image assembled from prebuilt binaries (buildx remote builder, push to a local registry),
//      builder cache pruned before each run, no smoke test (one extra run with it, reported apart);
//  (b) what a `FROM golang` builder stage does for arm64 under emulation: the linux/arm64 Go toolchain (from the
//      module proxy) compiling the app under qemu-aarch64-static, each tool process emulated as binfmt_misc would;
//  (c) native cross-compilation: GOARCH=arm64 go build on the runner.
// Fresh GOCACHE for every compile (as in a clean builder stage); modules come from the warm module cache with
// GOPROXY=off, so no run downloads anything. Also: image size against the binary's own size.
// Needs scripts/e2e-env/install.sh. Emulation is slow: (b) runs once and stops at --emulated-timeout seconds; if it
// hits that, the figure is a lower bound and the full time is extrapolated from the packages compiled so far.
// Run: node --import tsx bench/image.ts [--runs 3] [--emulated-timeout 150]   (writes bench/results/image.json)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as exec from '@actions/exec';
import { buildImage } from '../test/support/image-stage.js';
import { getInputs } from '../src/inputs.js';
import type { ReleaseInfo } from '../src/types.js';
import { startE2eEnv, stopE2eEnv, type E2eEnv } from '../test/support/e2e-env.js';
import { applyEnv } from '../test/support/env.js';
import { GIN_APP } from '../test/support/fixtures.js';
import { readTar, RegistryClient, type IndexDoc, type ManifestDoc } from '../test/support/image-registry.js';
import { setInputs } from '../test/support/inputs.js';
import { seconds, show, stats } from './stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'emulated-timeout': { type: 'string', default: '150' },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const EMULATED_TIMEOUT_MS = Math.max(10, Number(args['emulated-timeout'])) * 1000;
const TOOLCHAIN = 'golang.org/toolchain@v0.0.1-go1.26.8.linux-arm64';
const RELEASE: ReleaseInfo = {
  version: '1.2.3',
  commit: '3f2a9c1d4e5b6a7980112233445566778899aabb',
  date: '2024-05-01T10:00:00Z',
  epoch: Date.parse('2024-05-01T10:00:00Z') / 1000,
  ref: 'refs/tags/v1.2.3',
};

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function quietly<T>(work: () => Promise<T>): Promise<T> {
  // The stage logs every buildx step; keep the benchmark's output to its figures (and show the log on failure).
  const write = process.stdout.write;
  const captured: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured.push(chunk.toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    return await work();
  } catch (error) {
    process.stdout.write = write;
    process.stdout.write(captured.join('').split('\n').slice(-40).join('\n'));
    throw error;
  } finally {
    process.stdout.write = write;
  }
}

interface CompileRun {
  ms: number;
  /** User + system CPU time of the build and every process it ran (GNU time; from /proc when it was stopped). */
  cpuMs?: number;
  /** Packages compiled (lines of `go build -v`). */
  packages: number;
  finished: boolean;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Go runs on

/**
 * CPU time so far of a process group: each member's utime + stime, plus cutime + cstime (its children that have
 * exited already). Read just before the group is killed, since GNU time reports nothing then.
 */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) pgrp(2) ... utime(11) stime(12) cutime(13) cstime(14).
    if (Number(fields[2]) !== pgid) continue;
    ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  }
  return Math.round((ticks * 1000) / CLOCK_TICKS_PER_SECOND);
}

/**
 * Runs a compile under GNU time with a fresh GOCACHE; kills its process group at `timeoutMs`. CPU time is the figure
 * to compare on a busy machine: wall time there depends on what else runs.
 */
async function compile(
  command: string,
  commandArgs: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CompileRun> {
  const gocache = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-bench-gocache-'));
  const timeFile = path.join(gocache, 'time.txt');
  try {
    return await new Promise<CompileRun>((resolve, reject) => {
      const started = performance.now();
      const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...commandArgs], {
        cwd: GIN_APP,
        env: { ...(process.env as Record<string, string>), ...env, GOCACHE: path.join(gocache, 'cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let packages = 0;
      let pending = '';
      let log = '';
      child.stderr.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        packages += lines.filter((line) => /^[\w./-]+$/.test(line.trim())).length;
      });
      let timedOut = false;
      let cpuAtStop: number | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        cpuAtStop = groupCpuMs(child.pid!);
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }, timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        if (timedOut)
          return resolve({ ms, packages, finished: false, ...(cpuAtStop ? { cpuMs: cpuAtStop } : {}) });
        if (code !== 0)
          return reject(new Error(`${command} ${commandArgs.join(' ')} failed (${code}): ${log}`));
        void fs.readFile(timeFile, 'utf8').then((text) => {
          const [user, system] = text.trim().split('\n').pop()!.split(' ').map(Number) as [number, number];
          resolve({ ms, cpuMs: Math.round((user + system) * 1000), packages, finished: true });
        }, reject);
      });
    });
  } finally {
    await fs.rm(gocache, { recursive: true, force: true });
  }
}

const GO_ENV = {
  CGO_ENABLED: '0',
  GOOS: 'linux',
  GOPROXY: 'off',
  GOFLAGS: '-mod=readonly -buildvcs=false',
  GOTOOLCHAIN: 'local',
};
const buildArgs = (out: string): string[] => ['build', '-v', '-trimpath', '-ldflags=-s -w', '-o', out, '.'];

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-bench-image-'));
let env: E2eEnv | undefined;
let restoreEnv: (() => void) | undefined;
try {
  console.log('Warming the module cache and fetching the linux/arm64 Go toolchain from the module proxy...');
  await exec.exec('go', ['mod', 'download'], { cwd: GIN_APP, silent: true });
  const download = await exec.getExecOutput('go', ['mod', 'download', '-json', TOOLCHAIN], { silent: true });
  const zip = (JSON.parse(download.stdout) as { Zip: string }).Zip;
  await exec.exec('unzip', ['-q', zip, '-d', path.join(scratch, 'toolchain')], { silent: true });
  const goroot = path.join(scratch, 'toolchain', TOOLCHAIN);

  // (c) native cross-compilation, and the amd64 binary our image also needs.
  console.log(`(c) native GOARCH=arm64 go build, fresh GOCACHE, ${RUNS} runs...`);
  const nativeArm64: CompileRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    nativeArm64.push(
      await compile(
        'go',
        buildArgs(path.join(scratch, 'bin', 'arm64', 'gin-app')),
        { ...GO_ENV, GOARCH: 'arm64' },
        600_000,
      ),
    );
  }
  const nativeAmd64 = await compile(
    'go',
    buildArgs(path.join(scratch, 'bin', 'amd64', 'gin-app')),
    { ...GO_ENV, GOARCH: 'amd64' },
    600_000,
  );
  const nativeStats = stats(nativeArm64.map((r) => r.ms));
  const nativeCpuStats = stats(nativeArm64.map((r) => r.cpuMs!));
  const packagesTotal = nativeArm64[0]!.packages;
  console.log(
    `    wall ${show(nativeStats)}; CPU ${show(nativeCpuStats)}; ${packagesTotal} packages; ` +
      `amd64: wall ${seconds(nativeAmd64.ms)}, CPU ${seconds(nativeAmd64.cpuMs!)}`,
  );

  // (b) the arm64 toolchain under qemu-user.
  console.log(
    `(b) arm64 Go toolchain under qemu-aarch64-static, fresh GOCACHE, 1 run, stopped at ${seconds(EMULATED_TIMEOUT_MS)}...`,
  );
  const emulated = await compile(
    'qemu-aarch64-static',
    [
      path.join(goroot, 'bin', 'go'),
      'build',
      '-toolexec',
      'qemu-aarch64-static',
      ...buildArgs(path.join(scratch, 'emulated', 'gin-app')).slice(1),
    ],
    { ...GO_ENV, GOARCH: 'arm64', GOROOT: goroot, GODEBUG: 'asyncpreemptoff=1' },
    EMULATED_TIMEOUT_MS,
  );
  const emulatedCpuEstimateMs =
    emulated.cpuMs === undefined
      ? undefined
      : emulated.finished
        ? emulated.cpuMs
        : Math.round((emulated.cpuMs * packagesTotal) / Math.max(1, emulated.packages));
  const emulatedEstimateMs = emulated.finished
    ? emulated.ms
    : Math.round((emulated.ms * packagesTotal) / Math.max(1, emulated.packages));
  console.log(
    emulated.finished
      ? `    wall ${seconds(emulated.ms)}, CPU ${seconds(emulated.cpuMs!)} (${emulated.packages} packages)`
      : `    stopped after ${seconds(emulated.ms)} (CPU ${seconds(emulated.cpuMs ?? 0)}) with ${emulated.packages}/${packagesTotal} ` +
          `packages compiled; full build estimated at ${seconds(emulatedEstimateMs)} (packages per second so far)`,
  );

  // (a) our stage.
  env = await startE2eEnv();
  restoreEnv = applyEnv(env.dockerEnv);
  const registry = new RegistryClient(env.registry, env.user, env.password);
  const stageOptions = (tag: string, smoke: boolean): Parameters<typeof buildImage>[0] => {
    const restore = setInputs({
      image: `${env!.registry}/bench/gin-app`,
      targets: 'linux/amd64, linux/arm64',
      tags: tag,
      push: 'true',
      'registry-username': env!.user,
      'registry-password': env!.password,
      builder: env!.builder,
      'image-smoke-test': String(smoke),
    });
    try {
      return {
        inputs: getInputs(),
        artifacts: [
          { target: 'linux/amd64', path: path.join(scratch, 'bin', 'amd64', 'gin-app') },
          { target: 'linux/arm64', path: path.join(scratch, 'bin', 'arm64', 'gin-app') },
        ],
        release: RELEASE,
        binaryName: 'gin-app',
        workingDirectory: GIN_APP,
        source: { serverUrl: 'https://github.com', repository: 'example/gin-app' },
      };
    } finally {
      restore();
    }
  };
  console.log(
    `(a) our image stage from prebuilt binaries, push to a local registry, pruned builder cache, ${RUNS} runs...`,
  );
  const stageRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await exec.exec('docker', ['buildx', 'prune', '--all', '--force', '--builder', env.builder], {
      silent: true,
    });
    const started = performance.now();
    await quietly(() => buildImage(stageOptions(`run${i}`, false)));
    stageRuns.push(Math.round(performance.now() - started));
  }
  const stageStats = stats(stageRuns);
  await exec.exec('docker', ['buildx', 'prune', '--all', '--force', '--builder', env.builder], {
    silent: true,
  });
  const started = performance.now();
  const withSmoke = await quietly(() => buildImage(stageOptions('smoke', true)));
  const withSmokeMs = Math.round(performance.now() - started);
  console.log(
    `    ${show(stageStats)}; with the image smoke test: ${seconds(withSmokeMs)} (${withSmoke.smoke?.status})`,
  );

  // Sizes: what the registry stores and what unpacks, against the binary.
  const repository = 'bench/gin-app';
  const index = (await registry.manifest(repository, 'smoke')).body as IndexDoc;
  const sizes = [];
  for (const descriptor of index.manifests) {
    const manifest = (await registry.manifest(repository, descriptor.digest)).body as ManifestDoc;
    let unpacked = 0;
    for (const layer of manifest.layers) {
      for (const entry of readTar(await registry.blob(repository, layer.digest)))
        unpacked += entry.data.length;
    }
    const arch = descriptor.platform!.architecture;
    const binary = (await fs.stat(path.join(scratch, 'bin', arch, 'gin-app'))).size;
    const compressed = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
    sizes.push({
      platform: `linux/${arch}`,
      binaryBytes: binary,
      layersCompressedBytes: compressed,
      unpackedBytes: unpacked,
    });
    console.log(
      `    linux/${arch}: binary ${mib(binary)}; image layers ${mib(compressed)} compressed, ${mib(unpacked)} unpacked ` +
        `(${(unpacked / binary).toFixed(3)}x the binary; the rest is CA certificates and /etc files)`,
    );
  }

  const ours = nativeStats.median + nativeAmd64.ms + stageStats.median;
  const theirsLowerBound = nativeAmd64.ms + emulated.ms;
  const theirsEstimate = nativeAmd64.ms + emulatedEstimateMs;
  console.log('\nResults');
  console.log(`  (c) native arm64 cross-compile:  wall ${show(nativeStats)}; CPU ${show(nativeCpuStats)}`);
  if (emulatedCpuEstimateMs) {
    console.log(
      `      CPU ratio (b)/(c):           ${emulated.finished ? '' : '~'}${(emulatedCpuEstimateMs / nativeCpuStats.median).toFixed(1)}x ` +
        `(CPU time does not depend on what else the machine runs${emulated.finished ? '' : '; per-package extrapolation'})`,
    );
  }
  console.log(
    `  (b) emulated arm64 compile:      ${emulated.finished ? seconds(emulated.ms) : `> ${seconds(emulated.ms)} (estimate ${seconds(emulatedEstimateMs)})`}, n=1`,
  );
  console.log(
    `      ratio (b)/(c):               ${emulated.finished ? '' : '>= '}${(emulated.ms / nativeStats.median).toFixed(1)}x${emulated.finished ? '' : `, estimate ${(emulatedEstimateMs / nativeStats.median).toFixed(1)}x`}`,
  );
  console.log(`  (a) image stage from binaries:   ${show(stageStats)}`);
  console.log(`  ours, compile both + image:      ${seconds(ours)}`);
  console.log(
    `  builder-stage Dockerfile:        ${emulated.finished ? seconds(theirsEstimate) : `> ${seconds(theirsLowerBound)} (estimate ${seconds(theirsEstimate)})`} (amd64 native + arm64 emulated compile, image assembly not counted)`,
  );

  const result = {
    machine: { cpus: os.availableParallelism(), loadavg: os.loadavg() },
    runs: RUNS,
    packages: packagesTotal,
    nativeCrossCompileArm64Ms: nativeStats,
    nativeCrossCompileArm64CpuMs: nativeCpuStats,
    nativeCompileAmd64Ms: nativeAmd64.ms,
    nativeCompileAmd64CpuMs: nativeAmd64.cpuMs,
    emulatedCompileArm64: {
      ms: emulated.ms,
      cpuMs: emulated.cpuMs ?? null,
      estimatedFullCpuMs: emulatedCpuEstimateMs ?? null,
      finished: emulated.finished,
      packagesCompiled: emulated.packages,
      estimatedFullMs: emulatedEstimateMs,
      timeoutMs: EMULATED_TIMEOUT_MS,
    },
    ratioEmulatedToNative: {
      measuredAtLeast: emulated.ms / nativeStats.median,
      estimated: emulatedEstimateMs / nativeStats.median,
      cpuEstimated:
        emulatedCpuEstimateMs === undefined ? null : emulatedCpuEstimateMs / nativeCpuStats.median,
    },
    imageStageFromBinariesMs: stageStats,
    imageStageWithSmokeTestMs: withSmokeMs,
    oursTotalMs: ours,
    builderStageTotalMs: { lowerBound: theirsLowerBound, estimate: theirsEstimate },
    sizes,
  };
  await fs.mkdir(path.resolve(import.meta.dirname, 'results'), { recursive: true });
  await fs.writeFile(
    path.resolve(import.meta.dirname, 'results/image.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log('\nWrote bench/results/image.json');
} finally {
  restoreEnv?.();
  await stopE2eEnv(env);
  await fs.rm(scratch, { recursive: true, force: true });
}
