// Where the fixtures are, and the temp folders tests make from them: one place for both, so every file finds the
// same apps and every temp folder is named and removed the same way.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
/** The Gin service: for the tests about Gin itself (its /version stamp, its smoke test, the README, act). */
export const GIN_APP = path.join(FIXTURES, 'gin-app');
/** The Gin service with its main package in cmd/server (the README's second example). */
export const GIN_CMD_APP = path.join(FIXTURES, 'gin-cmd-app');
/** The standard-library service: what build and inspection tests compile when Gin itself is not the point. */
export const STD_APP = path.join(FIXTURES, 'std-app');
/** Small services that fail a smoke test in one way each. */
export const SMOKE_FIXTURES = path.join(FIXTURES, 'smoke');

/** Temp folders made by this test file (each file has its own module instance); removeTempDirs() deletes them. */
const tempDirs: string[] = [];

/** A new folder `gin-release-<prefix>-XXXXXX` under the system temp folder. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `gin-release-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(
    tempDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true, maxRetries: 3 })),
  );
}
