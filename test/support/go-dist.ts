// Real Go distributions for install tests, made from the Go that runs the tests: a trimmed copy (bin/go,
// VERSION, go.env and pkg/tool, all `go env` needs) packed as a go.dev tarball or as a toolchain module zip.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { toolchainModuleVersion, toolchainZipPrefix } from '../../src/go/modproxy.js';
import { type GoPlatform, type GoVersion, goPlatform, parseGoEnvVersion } from '../../src/go/version.js';
import { buildZip, type ZipInput } from './go-zip.js';

const EXE = process.platform === 'win32' ? '.exe' : '';

export interface LocalGo {
  goroot: string;
  version: GoVersion;
  platform: GoPlatform;
  /** The folder on PATH that holds `go`. */
  binDir: string;
}

/** The Go on PATH, as `go env` describes it. */
export async function localGo(): Promise<LocalGo> {
  const result = await exec.getExecOutput('go', ['env', 'GOROOT', 'GOVERSION'], {
    silent: true,
    env: { ...definedEnv(), GOTOOLCHAIN: 'local' },
    cwd: os.tmpdir(),
  });
  const [goroot = '', goversion = ''] = result.stdout.split(/\r?\n/);
  const version = parseGoEnvVersion(goversion);
  if (!version) throw new Error(`the local go reports ${goversion}, not a release; these tests need one`);
  return {
    goroot,
    version,
    platform: goPlatform(process.platform, os.arch(), os.endianness()),
    binDir: path.join(goroot, 'bin'),
  };
}

export function definedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

/** PATH without any folder that holds a `go`, so that nothing is reused from the runner. */
export function pathWithoutGo(): string {
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !fs.existsSync(path.join(dir, `go${EXE}`)))
    .join(path.delimiter);
}

/** Files (relative to GOROOT) of the trimmed distribution, with their contents. */
export function trimmedGoFiles(go: LocalGo): Array<{ name: string; data: Buffer; mode: number }> {
  const read = (rel: string) => fs.readFileSync(path.join(go.goroot, rel));
  const toolDir = `pkg/tool/${go.platform.goos}_${go.platform.goarch}`;
  return [
    { name: `bin/go${EXE}`, data: read(`bin/go${EXE}`), mode: 0o755 },
    { name: 'VERSION', data: read('VERSION'), mode: 0o644 },
    { name: 'go.env', data: read('go.env'), mode: 0o644 },
    // The go command recognises its GOROOT by pkg/tool; a zip has no empty folders, so it gets a file.
    { name: `${toolDir}/README`, data: Buffer.from('trimmed distribution for tests\n'), mode: 0o755 },
    // Stands for the nested go.mod files a toolchain module stores as _go.mod.
    {
      name: 'src/_go.mod',
      data: Buffer.from(`module std\n\ngo ${go.version.major}.${go.version.minor}\n`),
      mode: 0o644,
    },
  ];
}

/** go<version>.<os>-<arch>.tar.gz with everything under `go/`, as go.dev packs it. */
export async function buildGoTarball(
  go: LocalGo,
  workDir: string,
): Promise<{ filename: string; file: string; data: Buffer }> {
  const stage = fs.mkdtempSync(path.join(workDir, 'stage-'));
  for (const entry of trimmedGoFiles(go)) {
    if (entry.name === 'src/_go.mod') continue;
    const target = path.join(stage, 'go', entry.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, entry.data, { mode: entry.mode });
  }
  const filename = `go${go.version.text}.${go.platform.goos}-${go.platform.indexArch}.tar.gz`;
  const file = path.join(workDir, filename);
  await exec.exec('tar', ['-C', stage, '-czf', file, 'go'], { silent: true });
  fs.rmSync(stage, { recursive: true, force: true });
  return { filename, file, data: fs.readFileSync(file) };
}

/** The golang.org/toolchain module zip of the trimmed distribution; `tweak` changes files to make a fake. */
export function buildToolchainZip(
  go: LocalGo,
  tweak: (files: ZipInput[]) => ZipInput[] = (files) => files,
): { moduleVersion: string; zip: Buffer } {
  const moduleVersion = toolchainModuleVersion(go.version, go.platform);
  const prefix = toolchainZipPrefix(moduleVersion);
  // Module zips carry no exec bits (0644 everywhere): the installer has to restore them.
  const files = trimmedGoFiles(go).map((entry) => ({
    name: prefix + entry.name,
    data: entry.data,
    mode: 0o644,
  }));
  return { moduleVersion, zip: buildZip(tweak(files)) };
}

/** A go.dev `?mode=json&include=all` index: one served release plus older ones whose files are never fetched. */
export function goDevIndex(
  go: LocalGo,
  served: { filename: string; data: Buffer },
  options: { sha256?: boolean } = {},
): string {
  const file = (version: string, filename: string, data: Buffer | null) => ({
    filename,
    os: go.platform.goos,
    arch: go.platform.indexArch,
    version,
    sha256:
      options.sha256 === false
        ? ''
        : data
          ? createHash('sha256').update(data).digest('hex')
          : createHash('sha256').update(filename).digest('hex'),
    size: data ? data.length : 70_000_000,
    kind: 'archive',
  });
  const current = `go${go.version.text}`;
  const ext = go.platform.archiveExtension;
  return JSON.stringify([
    {
      version: current,
      stable: true,
      files: [
        {
          filename: `${current}.src.tar.gz`,
          os: '',
          arch: '',
          version: current,
          sha256: '0'.repeat(64),
          size: 31_000_000,
          kind: 'source',
        },
        file(current, served.filename, served.data),
      ],
    },
    ...['go1.20.2', 'go1.20.1'].map((version) => ({
      version,
      stable: true,
      files: [file(version, `${version}.${go.platform.goos}-${go.platform.indexArch}.${ext}`, null)],
    })),
  ]);
}

/** A checksum database `/lookup` answer in sum.golang.org's shape (record, tree note; the signature is not checked). */
export function sumdbLookup(moduleVersion: string, h1: string): string {
  return [
    '61743986',
    `golang.org/toolchain ${moduleVersion} ${h1}`,
    `golang.org/toolchain ${moduleVersion}/go.mod h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=`,
    '',
    'go.sum database tree',
    '61744056',
    'lygJPVk1GothwxHy0ttLmWqpQzSwa+CXOtLULeC/x1Y=',
    '',
    '— sum.golang.org Az3grjlHXVppE8ZwNu7pCQcTVUOAur74F9II3UzqnDnlKOtb4XixvoXasY7HCMJkcYkEy99MEApdbwNWmHPHmQFtawQ=',
    '',
  ].join('\n');
}
