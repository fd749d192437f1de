// The build stage's heartbeat on a real `go build`: with a short period it names the running target, and once the
// builds are done nothing more is printed (the timer ends with the stage).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runBuilds } from '../../src/build/compile.js';
import { parseTarget } from '../../src/build/targets.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/smoke/good');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-progress-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

test('a heartbeat names the target still building; none comes after the stage', async () => {
  const lines: string[] = [];
  const target = parseTarget('linux/amd64');
  // Even a cached build (start go, check the cache, link) runs for many 1 ms periods.
  const plans = [
    {
      target,
      output: path.join(out, 'app'),
      args: ['build', '-o', path.join(out, 'app'), '.'],
      env: { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' },
    },
  ];
  const [outcome] = await runBuilds(plans, 1, 'go', FIXTURE, FIXTURE, {
    heartbeatMs: 1,
    log: (line) => lines.push(line),
  });
  expect(outcome!.ok, outcome!.output).toBe(true);
  const beats = lines.filter((line) => line.startsWith('Still building linux/amd64 ('));
  expect(beats.length).toBeGreaterThan(0);
  expect(beats[0]).toMatch(/^Still building linux\/amd64 \(\d+ ms\); 0 of 1 done\.$/);
  const after = lines.length;
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(lines.length).toBe(after);
  expect(lines.at(-1)).toMatch(/^Built linux\/amd64 in /);
});
