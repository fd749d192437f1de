// Runs the bundled action (dist/index.js, the very file GitHub runs) on a local folder, with a runner-like
// environment made in a temp folder, then prints the outputs and the job summary.
//
//   node dist/local.js [DIR] [--input-name value ...] [--keep] [--help]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputEnvName, readActionYml } from './action-yml.js';
import { parseOutputFile } from './output-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const actionRoot = path.resolve(here, '..');

interface CliArgs {
  directory: string;
  inputs: Map<string, string>;
  keep: boolean;
}

function usage(inputNames: string[]): string {
  return [
    'usage: node dist/local.js [DIR] [--<input> <value> ...] [--keep]',
    '',
    'Runs gin-release on DIR (default: the current folder) as a GitHub runner would.',
    'Inputs are action.yml inputs, e.g. --targets "linux/amd64,linux/arm64" --smoke-test false.',
    '--keep keeps the temporary runner folder (tool cache, outputs, summary).',
    '',
    `inputs: ${inputNames.join(', ')}`,
  ].join('\n');
}

function parseArgs(argv: string[], inputNames: Set<string>): CliArgs {
  const inputs = new Map<string, string>();
  let directory = '.';
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(usage([...inputNames]));
      process.exit(0);
    }
    if (arg === '--keep') {
      keep = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!inputNames.has(name))
        throw new Error(`unknown input --${name}; known inputs: ${[...inputNames].join(', ')}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      inputs.set(name, value);
      continue;
    }
    directory = arg;
  }
  return { directory: path.resolve(directory), inputs, keep };
}

/** Read-only git queries for a runner-like GITHUB_SHA/GITHUB_REF; any failure just leaves them unset. */
function gitValue(args: string[], cwd: string): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

async function main(): Promise<number> {
  const contract = readActionYml(path.join(actionRoot, 'action.yml'));
  const inputNames = new Set(contract.inputs.map((input) => input.name));
  const args = parseArgs(process.argv.slice(2), inputNames);
  if (!fs.existsSync(args.directory)) throw new Error(`no such folder: ${args.directory}`);

  const runnerRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-local-'));
  const dirs = {
    temp: path.join(runnerRoot, 'temp'),
    toolCache: path.join(
      process.env['GIN_RELEASE_TOOL_CACHE'] ?? path.join(os.homedir(), '.cache', 'gin-release', 'tool-cache'),
    ),
  };
  fs.mkdirSync(dirs.temp, { recursive: true });
  fs.mkdirSync(dirs.toolCache, { recursive: true });
  const outputFile = path.join(runnerRoot, 'output');
  const summaryFile = path.join(runnerRoot, 'summary.md');
  const envFile = path.join(runnerRoot, 'env');
  const pathFile = path.join(runnerRoot, 'path');
  for (const file of [outputFile, summaryFile, envFile, pathFile]) fs.writeFileSync(file, '');

  const env: NodeJS.ProcessEnv = { ...process.env };
  // A local run is not a GitHub run: drop anything that would make the action talk to GitHub's services.
  for (const key of Object.keys(env)) {
    if (key.startsWith('INPUT_') || key.startsWith('ACTIONS_') || key.startsWith('GITHUB_')) delete env[key];
  }
  const sha = gitValue(['rev-parse', 'HEAD'], args.directory);
  const ref = gitValue(['symbolic-ref', '-q', 'HEAD'], args.directory);
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: args.directory,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: envFile,
    GITHUB_PATH: pathFile,
    GITHUB_JOB: 'local',
    GITHUB_RUN_ID: '1',
    GITHUB_REPOSITORY: 'local/' + path.basename(args.directory),
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_OS:
      { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }[process.platform as string] ?? process.platform,
    RUNNER_ARCH:
      { x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' }[process.arch as string] ?? process.arch,
  });
  if (sha) env['GITHUB_SHA'] = sha;
  if (ref) env['GITHUB_REF'] = ref;
  for (const input of contract.inputs)
    env[inputEnvName(input.name)] = args.inputs.get(input.name) ?? input.default ?? '';

  console.log(`gin-release (local run) on ${args.directory}`);
  console.log(`runner folder: ${runnerRoot}\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [path.join(actionRoot, 'dist', 'index.js')], {
      cwd: args.directory,
      env,
      stdio: 'inherit',
    });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });

  console.log('\n=== outputs ===');
  for (const [name, value] of parseOutputFile(fs.readFileSync(outputFile, 'utf8'))) {
    if (name === 'artifacts' || name === 'image-metadata') {
      try {
        console.log(`${name}:\n${JSON.stringify(JSON.parse(value), null, 2)}`);
        continue;
      } catch {
        // Not JSON after all: print it as it is.
      }
    }
    console.log(`${name}: ${value}`);
  }
  console.log('\n=== job summary ===');
  console.log(fs.readFileSync(summaryFile, 'utf8') || '(empty)');
  console.log(`\nexit code: ${code}`);
  if (!args.keep) fs.rmSync(runnerRoot, { recursive: true, force: true });
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`gin-release local: ${(error as Error).message}`);
    process.exit(2);
  },
);
