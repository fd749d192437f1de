// The Go toolchain step through the bundled action (dist/index.js) with the real go on PATH and a download site
// where nothing listens, so every download it tried would fail: a go.mod toolchain line met by the Go at hand,
// a toolchain line that needs a download (the failure says what to set instead), and a go.mod go would refuse.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { type LocalGo, localGo } from '../support/go-dist.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/smoke/good');
const runs: ActionRun[] = [];
const workspaces: string[] = [];
let go: LocalGo;
let closed: string;

beforeAll(async () => {
  go = await localGo();
  // A port the kernel just handed out and took back: connections to it are refused.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  closed = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(goMod: string): Promise<ActionRun> {
  const workspace = workspaceFrom(FIXTURE);
  workspaces.push(workspace);
  fs.writeFileSync(path.join(workspace, 'go.mod'), goMod);
  const result = await runAction({
    workspace,
    inputs: {
      targets: 'linux/amd64',
      cache: 'false',
      upload: 'false',
      'smoke-test': 'false',
      'go-download-base-url': `${closed}/dl`,
    },
    env: { GOPROXY: closed, GOFLAGS: '' },
  });
  runs.push(result);
  return result;
}

describe('the bundled action and go.mod', () => {
  test('a toolchain line older than the Go on PATH: that Go builds, nothing is downloaded', async () => {
    const result = await run('module example.com/smoke/good\n\ngo 1.22\n\ntoolchain go1.22.1\n');
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.get('go-source')).toBe('runner');
    expect(result.outputs.get('go-version')).toBe(go.version.text);
    expect(result.log).toContain(
      `go.mod toolchain line asks for at least Go 1.22.1; Go ${go.version.text} at hand satisfies it.`,
    );
    expect(result.log).not.toMatch(/Downloading /);
  });

  test('a toolchain line newer than any Go at hand: the failed download names the inputs that get around it', async () => {
    const result = await run('module example.com/smoke/good\n\ngo 1.22\n\ntoolchain go1.99.1\n');
    expect(result.exitCode).toBe(1);
    expect(result.errors().join('\n')).toBe(
      `${closed}/dl/?mode=json&include=all could not be fetched: connect ECONNREFUSED ${closed.slice('http://'.length)}. ` +
        `To build with a Go this runner already has, set go-version to ${go.version.text} (on PATH); or set ` +
        'go-download-source: module-proxy to download it as the golang.org/toolchain module through GOPROXY instead.',
    );
    expect(result.outputs.has('go-version')).toBe(false);
    expect(result.log).not.toMatch(/^Built /m);
  });

  test('a garbage go line is refused naming go.mod and the line, before anything is built', async () => {
    const result = await run('module example.com/smoke/good\n\ngo garbage\n');
    expect(result.exitCode).toBe(1);
    expect(result.errors().join('\n')).toMatch(
      /^Invalid input go-version-file: "go\.mod"\. go\.mod line 3 has "go garbage", which is not a Go version such as 1\.26 or 1\.26\.3\./,
    );
    expect(result.log).not.toMatch(/^Built /m);
  });
});
