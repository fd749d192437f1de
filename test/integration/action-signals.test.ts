// A cancelled workflow through the bundled action: SIGTERM or SIGINT while `go build` compiles ends go, compile,
// asm and link within a few seconds, and the output-dir lock goes with the run. A cold build cache (a GOCACHE of the
// test's own) keeps the compiler busy long enough to be caught at work, and tells this run's compilers apart from
// any other build on the machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { processesWithEnv, untilGone } from '../support/processes.js';

const GOOD = path.resolve(import.meta.dirname, '../fixtures/smoke/good');
const runs: ActionRun[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

const GO_TOOLS = ['go', 'compile', 'asm', 'link', 'cgo', 'vet'];

describe('a cancel during go build', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s ends go and its compilers within a few seconds and releases output-dir',
    async (signal) => {
      const workspace = workspaceFrom(GOOD);
      const gocache = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-gocache-'));
      folders.push(workspace, gocache);
      const ours = (): ReturnType<typeof processesWithEnv> =>
        processesWithEnv((entry) => entry === `GOCACHE=${gocache}`).filter((p) =>
          GO_TOOLS.includes(p.command),
        );
      let seenAtSignal: string[] = [];

      const result = await runAction({
        workspace,
        inputs: {
          cache: 'false',
          upload: 'false',
          'smoke-test': 'false',
          targets: 'linux/amd64, linux/arm64',
        },
        env: { GOCACHE: gocache },
        interrupt: {
          signal,
          when: () => {
            const now = ours().map((p) => p.command);
            if (!now.includes('compile')) return false;
            seenAtSignal = now;
            return true;
          },
        },
      });
      runs.push(result);

      expect(seenAtSignal, result.log).toContain('compile');
      expect(seenAtSignal).toContain('go');
      // The action ends them itself before it exits (a go whose parent is gone may also die of SIGPIPE on its next
      // write to stderr, a little later, which would hide a missing reaper if only survivors were checked).
      expect(result.leftAtExit.map((p) => `${p.command} (${p.pid})`)).toEqual([]);
      expect(result.survivors.map((p) => `${p.command} (${p.pid})`)).toEqual([]);
      expect((await untilGone(ours, 1000)).map((p) => p.command)).toEqual([]);
      expect(result.signal).toBe(signal);
      expect(result.log).not.toMatch(/^Built /m);
      expect(fs.existsSync(path.join(workspace, 'dist', '.gin-release.lock'))).toBe(false);
    },
  );
});
