// dist/ is what GitHub runs: it must be exactly what the sources bundle to.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

test('dist/ matches a fresh bundle of src/', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-dist-'));
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outdir', out], { cwd: root });
    for (const file of fs.readdirSync(out)) {
      const fresh = fs.readFileSync(path.join(out, file), 'utf8');
      const committed = fs.readFileSync(path.join(root, 'dist', file), 'utf8');
      expect(committed === fresh, `dist/${file} is stale: run npm run bundle and commit dist/`).toBe(true);
    }
    expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(fs.readdirSync(out).sort());
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
