// docker buildx: the argv of a build (pure), what `buildx inspect` says (pure), and running both.
import { runCommand } from '../util/process/run.js';
import { lastLines } from '../util/text.js';

/** Where the built image goes. */
export type BuildxOutput =
  /** To the registry, every platform in one index. */
  | { kind: 'push' }
  /** Into the docker engine's image store (one platform). */
  | { kind: 'load' }
  /** A `docker load`-able tarball (one platform), for builders whose `--load` cannot reach the engine. */
  | { kind: 'docker-tar'; dest: string }
  /** Nowhere: the build only proves that every platform builds. */
  | { kind: 'none' }
  /**
   * To the registry without a tag (a shard of a distributed image): the merge job tags the index it assembles from
   * the digests. Tags must be empty: a tagged name cannot be pushed by digest.
   */
  | { kind: 'push-by-digest'; name: string };

export interface BuildxOptions {
  /** Builder name; '' for the current one. */
  builder: string;
  platforms: string[];
  /** Full references, name:tag. */
  tags: string[];
  labels: Array<[string, string]>;
  buildArgs: Array<[string, string]>;
  provenance: boolean;
  sbom: boolean;
  /** buildx writes the result (digest, descriptor) here as JSON. */
  metadataFile: string;
  output: BuildxOutput;
  dockerfile: string;
  context: string;
}

/** Arguments for `docker`: `buildx build ...`. Pure. */
export function buildxArgs(options: BuildxOptions): string[] {
  const args = ['buildx', 'build', '--progress', 'plain'];
  if (options.builder) args.push('--builder', options.builder);
  args.push('--platform', options.platforms.join(','));
  for (const tag of options.tags) args.push('--tag', tag);
  for (const [key, value] of options.labels) args.push('--label', `${key}=${value}`);
  for (const [key, value] of options.buildArgs) args.push('--build-arg', `${key}=${value}`);
  // Always explicit: buildx adds a provenance attestation by default on push, which shows up as an
  // `unknown/unknown` entry in the index and cannot be loaded into an engine.
  args.push(`--provenance=${options.provenance ? 'mode=max' : 'false'}`);
  args.push(`--sbom=${String(options.sbom)}`);
  args.push('--metadata-file', options.metadataFile);
  switch (options.output.kind) {
    case 'push':
      args.push('--push');
      break;
    case 'load':
      args.push('--load');
      break;
    case 'docker-tar':
      args.push('--output', `type=docker,dest=${options.output.dest}`);
      break;
    case 'none':
      break;
    case 'push-by-digest':
      args.push(
        '--output',
        `type=image,name=${options.output.name},push-by-digest=true,name-canonical=true,push=true`,
      );
      break;
  }
  args.push('--file', options.dockerfile, options.context);
  return args;
}

export interface BuilderInfo {
  name: string;
  driver: string;
  /** Platforms the builder's nodes report (what they can run, not what they can assemble). */
  platforms: string[];
}

/** Reads `docker buildx inspect` output. Pure. */
export function parseBuildxInspect(text: string): BuilderInfo {
  const field = (name: string): string => {
    const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text);
    return match ? match[1]!.trim() : '';
  };
  const platforms = field('Platforms')
    .split(',')
    .map((p) => p.trim().replace(/\*$/, ''))
    .filter(Boolean);
  return { name: field('Name'), driver: field('Driver'), platforms };
}

/**
 * Why a builder cannot build these platforms, or null. The `docker` driver builds inside the engine, which (with
 * its classic image store) holds one platform per image: a multi-platform index needs another driver.
 */
export function builderProblem(info: BuilderInfo, platforms: string[]): string | null {
  if (info.driver === 'docker' && platforms.length > 1) {
    return (
      `The buildx builder "${info.name}" uses the docker driver, which cannot build a multi-platform image ` +
      `(${platforms.join(', ')}). Use a docker-container builder (docker/setup-buildx-action does that by default) ` +
      'or a remote one, and pass its name in the builder input.'
    );
  }
  return null;
}

export interface RunResult {
  exitCode: number;
  output: string;
}

/** Runs `docker args` with `env`, echoing its output to the log; never throws for a non-zero exit. */
export async function runDocker(
  args: string[],
  env: Record<string, string>,
  options: { silent?: boolean; input?: Buffer } = {},
): Promise<RunResult> {
  const result = await runCommand('docker', args, {
    baseEnv: env,
    echo: !(options.silent ?? false),
    ...(options.input ? { input: options.input } : {}),
  });
  return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}`.trim() };
}

const HOW_TO_GET_BUILDX =
  'Install it before this step, e.g. with docker/setup-buildx-action (uses: docker/setup-buildx-action@v4), ' +
  'which also creates a builder that can build several platforms.';

/** Checks that buildx runs and that the builder can build `platforms`; returns the builder's details. */
export async function checkBuildx(
  builder: string,
  platforms: string[],
  env: Record<string, string>,
): Promise<BuilderInfo> {
  const version = await runDocker(['buildx', 'version'], env, { silent: true });
  if (version.exitCode !== 0) {
    throw new Error(
      `docker buildx is not available (docker buildx version: ${lastLines(version.output, 5)}). ${HOW_TO_GET_BUILDX}`,
    );
  }
  const inspect = await runDocker(['buildx', 'inspect', '--bootstrap', ...(builder ? [builder] : [])], env, {
    silent: true,
  });
  if (inspect.exitCode !== 0) {
    throw new Error(
      `The buildx builder ${builder ? `"${builder}"` : '(current)'} is not usable: ${lastLines(inspect.output, 10)}. ` +
        (builder ? 'Check the builder input against `docker buildx ls`.' : HOW_TO_GET_BUILDX),
    );
  }
  const info = parseBuildxInspect(inspect.output);
  const problem = builderProblem(info, platforms);
  if (problem) throw new Error(problem);
  return info;
}

/** Runs one `docker buildx build`; throws with the last lines of its output when it fails. */
export async function runBuildx(
  options: BuildxOptions,
  env: Record<string, string>,
  what: string,
): Promise<void> {
  const result = await runDocker(buildxArgs(options), env);
  if (result.exitCode !== 0) {
    throw new Error(
      `docker buildx build (${what}) failed with exit code ${result.exitCode}:\n${lastLines(result.output, 25)}`,
    );
  }
}
