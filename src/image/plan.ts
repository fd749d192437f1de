// What the image stage will build and push, decided before anything is built: names, tags, platforms, login and
// the build settings. Pure, so a bad image name fails the step in the first second, not after the builds.
import { InputError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { ShardImage } from '../matrix/manifest.js';
import type { SmokeOptions } from '../smoke/plan.js';
import type { BuiltArtifact, ReleaseInfo, SmokeResult, Target } from '../types.js';
import { planPlatforms, type ImagePlatform } from './platforms.js';
import type { RegistryLogin } from './registry.js';
import { imageRefs, parseImageName, tagsFromRef, validateTags, type ImageName } from './tags.js';

/** The inputs the image stage reads. */
export type ImageInputs = Pick<
  Inputs,
  | 'image'
  | 'platforms'
  | 'tags'
  | 'push'
  | 'registry'
  | 'registryUsername'
  | 'registryPassword'
  | 'baseImage'
  | 'dockerfile'
  | 'labels'
  | 'provenance'
  | 'sbom'
  | 'builder'
  | 'imageSmokeTest'
>;

/** What the image stage works from besides its plan: the built binaries and where they came from. */
export interface ImageContext {
  /** The built binaries; those of image platforms go in. */
  artifacts: Array<Pick<BuiltArtifact, 'target' | 'path'>>;
  release: ReleaseInfo;
  binaryName: string;
  /** The Go module's folder: the custom Dockerfile and the LICENSE file are found from here. */
  workingDirectory: string;
  /** For the source label; GITHUB_SERVER_URL and GITHUB_REPOSITORY by default. */
  source?: { serverUrl: string; repository: string };
  /** Distribution `assemble`: the shards' platforms, pushed by digest. */
  distributed?: readonly ShardImage[];
}

export interface ImageStageResult {
  refs: string[];
  /** Digest of the pushed index (or of the image, for one platform); undefined when nothing was pushed. */
  digest?: string;
  /** The buildx metadata JSON of the final build. */
  metadata?: string;
  platforms: string[];
  pushed: boolean;
  smoke?: SmokeResult;
  /** Distribution `push-by-digest`: what this shard pushed, untagged, for the merge job. */
  byDigest?: ShardImage;
}

export interface ImagePlan {
  names: ImageName[];
  tags: string[];
  refs: string[];
  platforms: ImagePlatform[];
  login: RegistryLogin | null;
}

/**
 * Validates the image inputs against the targets and the git ref, and decides names, tags and platforms. Pure, so
 * it can run before anything is built: a bad image name fails the step in the first second, not after the builds.
 */
export function planImage(
  inputs: Pick<
    ImageInputs,
    'image' | 'platforms' | 'tags' | 'registry' | 'registryUsername' | 'registryPassword'
  >,
  targets: Target[],
  release: Pick<ReleaseInfo, 'ref' | 'commit' | 'version'>,
): ImagePlan {
  if (inputs.image.length === 0)
    throw new InputError('image', '', 'Name the image to build, e.g. ghcr.io/org/app.');
  const names = inputs.image.map(parseImageName);
  const tags = validateTags(inputs.tags.length > 0 ? inputs.tags : tagsFromRef(release));
  const platforms = planPlatforms(targets, inputs.platforms);
  let login: RegistryLogin | null = null;
  if (inputs.registryUsername || inputs.registryPassword) {
    if (!inputs.registryUsername) {
      throw new InputError(
        'registry-username',
        '',
        'registry-password is set, so the user name is needed too.',
      );
    }
    if (!inputs.registryPassword) {
      throw new InputError(
        'registry-password',
        '',
        'registry-username is set, so the password (or token) is needed too.',
      );
    }
    login = {
      registry: inputs.registry || names[0]!.registry,
      username: inputs.registryUsername,
      password: inputs.registryPassword,
    };
  }
  return { names, tags, refs: imageRefs(inputs.image, tags), platforms, login };
}

/** How the image is built, besides what it is called and holds. */
export interface ImageSettings extends Pick<
  ImageInputs,
  'push' | 'baseImage' | 'dockerfile' | 'labels' | 'provenance' | 'sbom' | 'builder'
> {
  /** How the runner's platform image is smoke-tested before the push; null when image-smoke-test is off. */
  smoke: SmokeOptions | null;
}

/**
 * A release split over jobs (image-distribute): `push-by-digest` in a shard job pushes its own platforms without
 * tags; `assemble` in the merge job makes the tagged index of the shards' digests. Null: one job builds it whole.
 */
export type ImageDistribution = 'push-by-digest' | 'assemble';

export interface ImageStagePlan extends ImagePlan {
  settings: ImageSettings;
  distribute?: ImageDistribution | null;
}

/** The whole image stage as the inputs describe it; `smoke` is the smoke test the binaries get. */
export function planImageStage(
  inputs: ImageInputs,
  targets: Target[],
  release: Pick<ReleaseInfo, 'ref' | 'commit' | 'version'>,
  smoke: SmokeOptions,
): ImageStagePlan {
  return {
    ...planImage(inputs, targets, release),
    settings: {
      push: inputs.push,
      baseImage: inputs.baseImage,
      dockerfile: inputs.dockerfile,
      labels: inputs.labels,
      provenance: inputs.provenance,
      sbom: inputs.sbom,
      builder: inputs.builder,
      smoke: inputs.imageSmokeTest ? smoke : null,
    },
  };
}
