// The publish stage: the GitHub release of the tag, in the order immutable releases need. Find the tag's release
// (published: GET by tag; drafts: only the list shows them) -> create a draft, or complete the one an earlier run
// left -> upload every asset not already there -> verify every asset's size and digest against the local file ->
// publish. A published release is never changed: a re-run with identical assets succeeds as it is, one with other
// assets fails. Anything failing leaves the draft for inspection and names what failed.
import * as fs from 'node:fs/promises';
import * as core from '@actions/core';
import type { ArchiveInfo } from '../types.js';
import { sha256File, sha256Hex } from '../util/hash.js';
import {
  describeApiError,
  ReleasesClient,
  statusOf,
  type ApiCall,
  type ReleaseFields,
  type RemoteAsset,
  type RemoteRelease,
} from './client.js';
import type { AssetKind, PublishStagePlan } from './plan.js';
import {
  compareAsset,
  compareDownloaded,
  describeDifference,
  type AssetCheck,
  type LocalAsset,
} from './verify.js';

export type PublishOutcome = 'published' | 'draft' | 'unchanged' | 'failed';

export interface PublishedAsset {
  name: string;
  kind: AssetKind;
  target?: string;
  path: string;
  size: number;
  sha256: string;
  /** browser_download_url; '' when the asset did not get onto the release. */
  url: string;
}

export interface PublishStageResult {
  outcome: PublishOutcome;
  tag: string;
  /** The release as GitHub last described it; absent when none was found or made. */
  release?: { id: number; url: string; draft: boolean; prerelease: boolean; immutable: boolean };
  assets: PublishedAsset[];
  /** Every API request, in order. */
  calls: ApiCall[];
  problems: string[];
}

export interface PublishContext {
  token: string;
  /** SHA-256 of each file as the package stage wrote it (absolute path -> hex): what was smoke-tested. */
  packaged: ReadonlyMap<string, string>;
}

class PublishError extends Error {}

/** path -> SHA-256 of every archive and SBOM the package stage wrote, as the publish stage checks them. */
export function packagedHashes(
  result:
    { archives: ReadonlyMap<string, ArchiveInfo>; sboms?: ReadonlyMap<string, ArchiveInfo> } | undefined,
): Map<string, string> {
  const files = [...(result?.archives.values() ?? []), ...(result?.sboms?.values() ?? [])];
  return new Map(files.map((file) => [file.path, file.sha256]));
}

function releaseSummary(release: RemoteRelease): NonNullable<PublishStageResult['release']> {
  return {
    id: release.id,
    url: release.htmlUrl,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: release.immutable,
  };
}

/** A request that failed, as the step says it: what was being done, GitHub's answer, what to do about it. */
export function explainFailure(what: string, error: unknown, apiUrl: string): string {
  const status = statusOf(error);
  const answer = describeApiError(error);
  const hint =
    status === 401
      ? ' GitHub rejected the token: check the github-token input (the token is not printed).'
      : status === 403
        ? ' The token may not write releases: give the job `permissions: contents: write` (or a token that may).'
        : status === 404
          ? ' The repository or release is not there for this token: check GITHUB_REPOSITORY and the token’s access.'
          : status === 0
            ? ` No answer from ${apiUrl} (GITHUB_API_URL).`
            : '';
  return `${what} failed: ${answer}.${hint}`;
}

async function localAssets(
  plan: PublishStagePlan,
  packaged: ReadonlyMap<string, string>,
): Promise<LocalAsset[]> {
  const assets: LocalAsset[] = [];
  for (const asset of plan.assets) {
    const { size } = await fs.stat(asset.path);
    const sha256 = await sha256File(asset.path);
    const expected = packaged.get(asset.path);
    if (expected !== undefined && expected !== sha256) {
      throw new PublishError(
        `${asset.name} changed after it was packaged (sha256 ${expected.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now): it is not what was tested, so nothing was published.`,
      );
    }
    assets.push({ ...asset, size, sha256 });
  }
  return assets;
}

class Publisher {
  readonly client: ReleasesClient;
  release: RemoteRelease | undefined;

  constructor(
    readonly plan: PublishStagePlan,
    token: string,
  ) {
    this.client = new ReleasesClient(token, plan.apiUrl, plan.owner, plan.repo, (call) =>
      core.info(`${call.method} ${call.route} -> ${call.status || 'no answer'}`),
    );
  }

  /** Runs one API request; a failure becomes a PublishError that says what was being done. */
  async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const draft = this.release?.draft
        ? ` The draft release (id ${this.release.id}, ${this.release.htmlUrl}) is left for inspection; re-running the job completes it.`
        : '';
      throw new PublishError(explainFailure(what, error, this.plan.apiUrl) + draft, { cause: error });
    }
  }

  /** Settles the checks that need the bytes: an asset without a digest is downloaded and hashed. */
  async settle(local: LocalAsset, remote: RemoteAsset | undefined): Promise<AssetCheck> {
    const check = compareAsset(local, remote);
    if (check.status !== 'no-digest' || !remote) return check;
    const bytes = await this.call(`Downloading ${remote.name} to check it (the server gave no digest)`, () =>
      this.client.download(remote.id),
    );
    return compareDownloaded(local, sha256Hex(bytes));
  }

  async differences(local: readonly LocalAsset[], remote: readonly RemoteAsset[]): Promise<string[]> {
    const lines: string[] = [];
    for (const asset of local) {
      const line = describeDifference(
        asset,
        await this.settle(
          asset,
          remote.find((r) => r.name === asset.name),
        ),
      );
      if (line) lines.push(line);
    }
    return lines;
  }

  /** Makes the draft's assets exactly `local`: stale and foreign ones deleted, missing ones uploaded. */
  async fillDraft(
    draft: RemoteRelease,
    local: readonly LocalAsset[],
    existing: readonly RemoteAsset[],
  ): Promise<void> {
    const wanted = new Set(local.map((asset) => asset.name));
    for (const remote of existing.filter((r) => !wanted.has(r.name))) {
      core.info(`Deleting ${remote.name} from the draft: this build does not produce it.`);
      await this.call(`Deleting the asset ${remote.name} from the draft release`, () =>
        this.client.deleteAsset(remote.id),
      );
    }
    for (const asset of local) {
      // A failed upload can leave a half asset beside a good one of the same name: keep one good, drop the rest.
      let kept = false;
      for (const remote of existing.filter((r) => r.name === asset.name)) {
        const check = kept ? undefined : await this.settle(asset, remote);
        if (check?.status === 'same') {
          kept = true;
          core.info(`${asset.name} is on the draft already, identical.`);
          continue;
        }
        core.info(
          check
            ? `Replacing ${asset.name} on the draft: ${check.status === 'different' ? check.reason : 'unverified'}.`
            : `Deleting a second ${asset.name} from the draft.`,
        );
        await this.call(`Deleting the stale asset ${asset.name} from the draft release`, () =>
          this.client.deleteAsset(remote.id),
        );
      }
      if (kept) continue;
      const data = await fs.readFile(asset.path);
      if (sha256Hex(data) !== asset.sha256) {
        throw new PublishError(`${asset.name} changed while it was being published; nothing was published.`);
      }
      const uploaded = await this.call(`Uploading ${asset.name} to the draft release ${this.plan.tag}`, () =>
        this.client.upload(draft, asset.name, asset.contentType, data),
      );
      core.info(`Uploaded ${asset.name} (${uploaded.size} bytes, ${uploaded.digest ?? 'no digest given'}).`);
    }
  }
}

/** The local assets with their download URLs, from the first list that names each (newest answer first). */
function assetRecords(
  local: readonly LocalAsset[],
  ...remotes: Array<readonly RemoteAsset[]>
): PublishedAsset[] {
  const urlOf = (name: string): string =>
    remotes.map((list) => list.find((r) => r.name === name)?.browserDownloadUrl ?? '').find(Boolean) ?? '';
  return local.map((asset) => ({
    name: asset.name,
    kind: asset.kind,
    ...(asset.target !== undefined ? { target: asset.target } : {}),
    path: asset.path,
    size: asset.size,
    sha256: asset.sha256,
    url: urlOf(asset.name),
  }));
}

function joinBody(own: string, generated: string): string {
  return [own.trim(), generated.trim()].filter(Boolean).join('\n\n');
}

export async function runPublishStage(
  plan: PublishStagePlan,
  context: PublishContext,
): Promise<PublishStageResult> {
  const publisher = new Publisher(plan, context.token);
  const { client } = publisher;
  const result = (
    outcome: PublishOutcome,
    assets: PublishedAsset[],
    problems: string[] = [],
  ): PublishStageResult => ({
    outcome,
    tag: plan.tag,
    ...(publisher.release ? { release: releaseSummary(publisher.release) } : {}),
    assets,
    calls: client.calls,
    problems,
  });
  let local: LocalAsset[] = [];
  try {
    local = await localAssets(plan, context.packaged);
    const where = `${plan.owner}/${plan.repo}`;

    const published = await publisher.call(`Looking up the release of ${plan.tag} in ${where}`, () =>
      client.publishedByTag(plan.tag),
    );
    if (published && !published.draft) {
      publisher.release = published;
      const remote = await publisher.call(`Listing the assets of the release ${plan.tag}`, () =>
        client.assets(published.id),
      );
      const differences = await publisher.differences(local, remote);
      if (differences.length > 0) {
        throw new PublishError(
          `The release ${plan.tag} is already published (${published.htmlUrl}) and this build's assets differ from it: ${differences.join('; ')}. A published release is never changed${published.immutable ? ' (this one is immutable)' : ''}, so nothing was uploaded: to release this build, push a new tag.`,
        );
      }
      core.info(
        `The release ${plan.tag} is already published with these ${local.length} assets, byte for byte: nothing to do.`,
      );
      return result('unchanged', assetRecords(local, remote));
    }

    const drafts = await publisher.call(
      `Listing the releases of ${where} to find a draft for ${plan.tag}`,
      () => client.draftsOf(plan.tag),
    );
    if (drafts.length > 1) {
      core.warning(
        `${drafts.length} draft releases exist for ${plan.tag} (ids ${drafts.map((d) => d.id).join(', ')}); completing the newest, ${drafts[0]!.id}.`,
      );
    }
    const notes = plan.generateNotes
      ? await publisher.call(`Generating release notes for ${plan.tag}`, () =>
          client.generateNotes(plan.tag, plan.commit),
        )
      : undefined;
    const leftover = drafts[0];
    const fields: ReleaseFields = {
      name: plan.name || leftover?.name || plan.tag,
      body: joinBody(plan.body, notes?.body ?? '') || leftover?.body || '',
      prerelease: plan.prerelease,
    };
    let draft: RemoteRelease;
    let existing: RemoteAsset[] = [];
    if (leftover) {
      draft = leftover;
      publisher.release = draft;
      core.info(`Completing the draft release ${draft.id} an earlier run left for ${plan.tag}.`);
      existing = await publisher.call(`Listing the assets of the draft release ${plan.tag}`, () =>
        client.assets(draft.id),
      );
    } else {
      draft = await publisher.call(`Creating a draft release for ${plan.tag} in ${where}`, () =>
        client.createDraft(plan.tag, plan.commit, fields),
      );
      publisher.release = draft;
      core.info(`Created the draft release ${draft.id} for ${plan.tag}.`);
    }

    await publisher.fillDraft(draft, local, existing);
    const onDraft = await publisher.call(
      `Listing the assets of the draft release ${plan.tag} to verify them`,
      () => client.assets(draft.id),
    );
    const differences = await publisher.differences(local, onDraft);
    const foreign = onDraft.filter((r) => !local.some((asset) => asset.name === r.name)).map((r) => r.name);
    if (foreign.length > 0) differences.push(`not from this build: ${foreign.join(', ')}`);
    if (differences.length > 0) {
      throw new PublishError(
        `The draft release ${plan.tag} does not hold this build's assets after the upload: ${differences.join('; ')}. The draft (id ${draft.id}, ${draft.htmlUrl}) is left for inspection; nothing was published.`,
      );
    }
    core.info(
      `Verified ${local.length} assets on the draft: sizes and SHA-256 digests match the local files.`,
    );

    if (!plan.publish) {
      if (leftover) {
        publisher.release = await publisher.call(`Updating the draft release ${plan.tag}`, () =>
          client.update(draft.id, fields),
        );
      }
      core.info(
        `github-release is draft: the draft ${publisher.release.htmlUrl} is left for a person to publish.`,
      );
      return result('draft', assetRecords(local, onDraft));
    }
    const release = await publisher.call(`Publishing the draft release ${plan.tag}`, () =>
      client.update(draft.id, {
        ...fields,
        draft: false,
        ...(plan.makeLatest ? { make_latest: plan.makeLatest } : {}),
      }),
    );
    publisher.release = release;
    core.info(`Published ${release.htmlUrl}.`);
    // Download URLs change when a draft is published; the answer to the publishing request has the final ones.
    return result('published', assetRecords(local, release.assets, onDraft));
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    core.error(error.message, { title: `gin-release: GitHub release ${plan.tag}` });
    return result('failed', assetRecords(local), [error.message]);
  }
}
