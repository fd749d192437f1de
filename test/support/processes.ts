// The machine's live processes as /proc shows them, for tests that check what a run left behind: which processes
// carry a given environment entry (the action's tracking id, a test's private GOCACHE). Linux only.
import * as fs from 'node:fs';

export interface LiveProcess {
  pid: number;
  /** The kernel's name for it (comm), e.g. `go`, `compile`, `docker`. */
  command: string;
  /** Its environment entries, `NAME=value`. */
  environ: string[];
  /** Its command line. */
  args: string[];
}

/** Live processes (not zombies) other than this one whose environment holds an entry `test` accepts. */
export function processesWithEnv(test: (entry: string) => boolean): LiveProcess[] {
  const found: LiveProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.some(test)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      found.push({
        pid: Number(entry),
        command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        environ,
        args,
      });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** The value of `name` in a process's environment, '' when unset. */
export function envOf(process: LiveProcess, name: string): string {
  const entry = process.environ.find((e) => e.startsWith(`${name}=`));
  return entry === undefined ? '' : entry.slice(name.length + 1);
}

/** The processes the action with process id `actionPid` started (its tracking id holds its pid). */
export function trackedBy(actionPid: number): LiveProcess[] {
  const prefix = `GIN_RELEASE_TRACKING_ID=gin-release-${actionPid}-`;
  return processesWithEnv((entry) => entry.startsWith(prefix));
}

/** Polls `list` until it is empty or `timeoutMs` passed (bounded: at most timeoutMs / 50 looks); returns the last look. */
export async function untilGone(list: () => LiveProcess[], timeoutMs: number): Promise<LiveProcess[]> {
  let left = list();
  for (let look = 0; left.length > 0 && look < timeoutMs / 50; look++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = list();
  }
  return left;
}
