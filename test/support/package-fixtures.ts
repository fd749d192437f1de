// Shared by the package (archive/checksums) and summary tests: a real tiny Go binary, and a way to
// run the real verifying tools (tar, unzip, sha256sum) without a shell.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Target } from '../../src/types.js';

export const EPOCH = 1_700_000_000; // 2023-11-14T22:13:20Z
export const LINUX_AMD64: Target = { goos: 'linux', goarch: 'amd64', variant: '', id: 'linux/amd64' };
export const WINDOWS_AMD64: Target = { goos: 'windows', goarch: 'amd64', variant: '', id: 'windows/amd64' };

/** Runs a tool with an argument array (never a shell) and returns its stdout; throws with its stderr on failure. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}

/** Like run, but returns the exit status and both outputs instead of throwing, for checks that must fail. */
export function runStatus(
  command: string,
  args: string[],
  cwd: string,
): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Builds a tiny static Go program (prints `hello from gin-release`) and returns the binary's path. */
export async function buildTinyGoBinary(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'go.mod'), 'module example.com/tiny\n\ngo 1.22\n');
  await fs.writeFile(
    path.join(dir, 'main.go'),
    'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from gin-release") }\n',
  );
  const binary = path.join(dir, 'tiny');
  run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', binary, '.'], dir, {
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
  });
  return binary;
}
