// `npm run bench`: runs every benchmark in bench/ one after another (they compete for the same 2 cores otherwise),
// and writes bench/RESULTS.md with the machine, the date and each benchmark's own figures and ratios.
//
//   node --import tsx bench/run.ts [build smoke cache image archive release matrix]
//   node --import tsx bench/run.ts --from-results   (RESULTS.md from the JSON each benchmark wrote in its last run)
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const benchDir = import.meta.dirname;
const root = path.resolve(benchDir, '..');
const ALL = ['build', 'smoke', 'cache', 'image', 'archive', 'release', 'matrix'] as const;
const LIMIT_MS = 30 * 60_000;

interface BenchRun {
  name: string;
  exitCode: number;
  seconds: number;
  output: string;
}

function runBench(name: string): Promise<BenchRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.ts`)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[bench/run] ${name} exceeded ${LIMIT_MS / 60_000} minutes and was stopped\n`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ name, exitCode: code ?? 1, seconds: Math.round((Date.now() - started) / 1000), output });
    });
  });
}

function command(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'not installed';
  }
}

function machine(): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.type()} ${os.release()} ${os.arch()}, ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    `- Node.js ${process.version}; ${command('go', ['version'])}; goreleaser: ${
      command('goreleaser', ['--version'])
        .split('\n')
        .find((l) => l.startsWith('GitVersion')) ?? 'not installed'
    }`,
  ];
}

/** RESULTS.md from bench/results/<name>.json, for when the benchmarks were run one by one rather than together. */
function reportFromResults(): void {
  const lines = [
    '# gin-release benchmark results',
    '',
    'Assembled by `node --import tsx bench/run.ts --from-results` from the figures each benchmark wrote in its own',
    'last real run (the time of each is given). Every comparison inside one benchmark was measured in that same run.',
    '`npm run bench` reruns them all and rewrites this file.',
    '',
    ...machine(),
    '',
  ];
  for (const name of ALL) {
    const file = path.join(benchDir, 'results', `${name}.json`);
    lines.push(`## ${name}`, '');
    if (!fs.existsSync(file)) {
      lines.push(`Not measured: bench/${name}.ts has not written bench/results/${name}.json yet.`, '');
      continue;
    }
    lines.push(`bench/${name}.ts, run at ${fs.statSync(file).mtime.toISOString()}:`, '');
    lines.push('```json', fs.readFileSync(file, 'utf8').trimEnd(), '```', '');
  }
  fs.writeFileSync(path.join(benchDir, 'RESULTS.md'), lines.join('\n'));
  console.log('wrote bench/RESULTS.md');
}

async function main(): Promise<void> {
  if (process.argv.includes('--from-results')) {
    reportFromResults();
    return;
  }
  const asked = process.argv.slice(2);
  const names = asked.length > 0 ? asked : [...ALL];
  const runs: BenchRun[] = [];
  for (const name of names) {
    if (!fs.existsSync(path.join(benchDir, `${name}.ts`))) throw new Error(`no benchmark bench/${name}.ts`);
    console.log(`\n=== bench/${name}.ts ===`);
    runs.push(await runBench(name));
  }
  const lines = [
    '# gin-release benchmark results',
    '',
    'Written by `npm run bench` from one real run; every comparison was measured in that same run, on this machine.',
    'Each benchmark prints medians of several runs with min and max; what it could not measure, it says.',
    '',
    ...machine(),
    '',
  ];
  for (const run of runs) {
    lines.push(`## ${run.name}`, '');
    lines.push(
      `bench/${run.name}.ts, ${run.seconds} s, exit code ${run.exitCode}${run.exitCode === 0 ? '' : ' (FAILED: figures below are partial)'}`,
    );
    lines.push('', '```text', run.output.trimEnd(), '```', '');
  }
  // Only a full run replaces the committed report; a partial one goes beside it.
  const file =
    asked.length > 0
      ? path.join(benchDir, 'results', 'RESULTS.partial.md')
      : path.join(benchDir, 'RESULTS.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n'));
  console.log(`\nwrote ${path.relative(root, file)}`);
  if (runs.some((run) => run.exitCode !== 0)) process.exitCode = 1;
}

await main();
