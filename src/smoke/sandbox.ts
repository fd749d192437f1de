// Where the app under test runs: a fresh folder of its own as working directory, HOME and TMPDIR, removed afterwards,
// so that an app which creates a database, a cache or a config file writes nothing into the checkout or the
// runner's home (a real app wrote its sqlite database into the checkout).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerCleanup } from '../util/process/reaper.js';

export interface Sandbox {
  root: string;
  /** The working directory. */
  work: string;
  home: string;
  tmp: string;
  /** Removes the folder (safe to call twice; also runs if the action is cancelled first). */
  remove(): void;
}

/**
 * The variables that point an app at its home and temporary folders, on each platform. XDG variables are set too:
 * the runner images set XDG_CONFIG_HOME, which would otherwise keep pointing into the runner's home. Pure.
 */
export function sandboxEnv(
  dirs: Pick<Sandbox, 'home' | 'tmp'>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  if (platform === 'win32') {
    return {
      USERPROFILE: dirs.home,
      HOME: dirs.home,
      APPDATA: join(dirs.home, 'AppData', 'Roaming'),
      LOCALAPPDATA: join(dirs.home, 'AppData', 'Local'),
      TEMP: dirs.tmp,
      TMP: dirs.tmp,
    };
  }
  return {
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_STATE_HOME: join(dirs.home, '.local', 'state'),
  };
}

/** A new sandbox under RUNNER_TEMP (the runner empties it after the job), or the system's temp folder. */
export function makeSandbox(): Sandbox {
  const base = process.env['RUNNER_TEMP'] || os.tmpdir();
  const root = fs.mkdtempSync(path.join(base, 'gin-release-smoke-'));
  const dirs = { work: path.join(root, 'work'), home: path.join(root, 'home'), tmp: path.join(root, 'tmp') };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { mode: 0o700 });
  const remove = (): void => fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  const unregister = registerCleanup(remove);
  return {
    root,
    ...dirs,
    remove: () => {
      unregister();
      remove();
    },
  };
}
