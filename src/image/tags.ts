// Image names, tags and references: validation by the OCI distribution rules, and tags derived from a git ref.
// Pure: no environment, no I/O.
import { InputError } from '../errors.js';

/** One repository path component: lowercase letters and digits, joined by `.`, `_`, `__` or runs of `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host name (labels of letters, digits and inner dashes), or an IPv6 literal in brackets, optional port. */
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

export const DOCKER_HUB = 'docker.io';

export interface ImageName {
  /** Registry host[:port]; `docker.io` when the name has none. */
  registry: string;
  /** Repository path inside the registry, e.g. `org/app` (`library/app` for a bare Docker Hub name). */
  repository: string;
  /** The name as given, which is what tags are appended to. */
  name: string;
}

/**
 * Splits and validates an image name such as `ghcr.io/org/app`, `localhost:5000/app` or `org/app`. The first
 * component is a registry when it holds a `.` or a `:`, or is `localhost` (the rule docker itself applies).
 * A tag or digest is refused here: tags come from the `tags` input.
 */
export function parseImageName(name: string): ImageName {
  const fail = (why: string): never => {
    throw new InputError(
      'image',
      name,
      `${why}. Allowed: [registry[:port]/]path, path components of lowercase letters, digits and . _ __ - separators ` +
        '(e.g. ghcr.io/org/app); tags go in the tags input.',
    );
  };
  if (name === '') fail('The image name is empty');
  if (name.length > MAX_NAME_LENGTH) fail(`The name is longer than ${MAX_NAME_LENGTH} characters`);
  if (name.includes('@')) fail('A digest does not belong in the name');
  const parts = name.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) fail(`"${first}" is not a valid registry host[:port]`);
    registry = first;
    parts.shift();
  }
  const last = parts[parts.length - 1]!;
  if (last.includes(':')) fail(`"${last}" carries a tag`);
  for (const part of parts) {
    if (PATH_COMPONENT.test(part)) continue;
    if (PATH_COMPONENT.test(part.toLowerCase())) {
      fail(`Repository paths must be lowercase: "${part}" (write ${name.toLowerCase()})`);
    }
    fail(`"${part}" is not a valid path component`);
  }
  let repository = parts.join('/');
  if (registry === DOCKER_HUB && parts.length === 1) repository = `library/${repository}`;
  return { registry, repository, name };
}

/** Throws an InputError naming `tags` unless every tag is valid: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function validateTags(tags: string[]): string[] {
  for (const tag of tags) {
    if (!TAG.test(tag)) {
      throw new InputError(
        'tags',
        tag,
        'Allowed: 1 to 128 of A-Z a-z 0-9 _ . - , not starting with . or - (e.g. 1.2.3, latest, main).',
      );
    }
  }
  const duplicates = tags.filter((tag, i) => tags.indexOf(tag) !== i);
  if (duplicates.length > 0) throw new InputError('tags', duplicates[0]!, 'Each tag may be listed once.');
  return tags;
}

/** Turns any text into a valid tag: invalid characters become `-`, lowercase, no leading `.`/`-`, at most 128. */
export function sanitizeTag(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/[.-]+$/, '');
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

export interface RefTagsInput {
  /** The git ref: refs/tags/v1.2.3, refs/heads/main, refs/pull/42/merge; '' when unknown. */
  ref: string;
  /** The full commit SHA; '' when unknown. */
  commit: string;
  /** The release version, the last resort when neither a ref nor a commit says anything. */
  version?: string;
}

/**
 * Tags for a build of `ref`, in the order docker/metadata-action users expect:
 * - release tag `v1.2.3` (or `1.2.3`, or a Go submodule's `cmd/server/v1.2.3`): `1.2.3`, `1.2`, `1`, `latest` (no bare `0` for 0.x: it would float across
 *   breaking changes);
 * - pre-release `v1.2.3-rc.1`: `1.2.3-rc.1` only; build metadata `+b5` becomes `_b5` (OCI tags have no `+`) and
 *   gets no floating tags either;
 * - any other tag or a branch: its name made tag-safe (`feature/Login` -> `feature-login`);
 * - pull request `refs/pull/42/merge`: `pr-42`;
 * - and always `sha-<first 7 of the commit>` when the commit is known.
 */
export function tagsFromRef({ ref, commit, version = '' }: RefTagsInput): string[] {
  const tags: string[] = [];
  let match: RegExpExecArray | null;
  if (ref.startsWith('refs/tags/')) {
    const name = ref.slice('refs/tags/'.length);
    // Go tags a module in a subfolder as <folder>/vX.Y.Z; its version is the last element.
    const semver = SEMVER.exec(name.slice(name.lastIndexOf('/') + 1));
    if (semver) {
      const [, major, minor, patch, pre, build] = semver as unknown as [
        string,
        string,
        string,
        string,
        string?,
        string?,
      ];
      const full = `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${build ? `_${build}` : ''}`;
      tags.push(full);
      if (!pre && !build) {
        tags.push(`${major}.${minor}`);
        if (major !== '0') tags.push(major);
        tags.push('latest');
      }
    } else if (sanitizeTag(name)) {
      tags.push(sanitizeTag(name));
    }
  } else if (ref.startsWith('refs/heads/')) {
    const branch = sanitizeTag(ref.slice('refs/heads/'.length));
    if (branch) tags.push(branch);
  } else if ((match = /^refs\/pull\/(\d+)\//.exec(ref))) {
    tags.push(`pr-${match[1]}`);
  }
  if (/^[0-9a-f]{7,}$/i.test(commit)) tags.push(`sha-${commit.slice(0, 7).toLowerCase()}`);
  if (tags.length === 0 && sanitizeTag(version.replace(/\+/g, '_')))
    tags.push(sanitizeTag(version.replace(/\+/g, '_')));
  return [...new Set(tags)];
}

/** Every name:tag pair, names in input order, tags in order within each name. */
export function imageRefs(names: string[], tags: string[]): string[] {
  return names.flatMap((name) => tags.map((tag) => `${name}:${tag}`));
}
