// The upload stage: the planned workflow artifacts, one after another, through the service worker
// (src/upload/service.ts), within upload-timeout. What was uploaded before a failure or the deadline is kept in the
// result, so the outputs and the summary name it; the failure itself is the result's problem.
import * as path from 'node:path';
import * as core from '@actions/core';
import { runService, seconds, workerFailure, type ServiceRun } from '../services/client.js';
import type { ServiceEvent } from '../services/protocol.js';
import {
  planUploadStage,
  uploadAvailability,
  type Env,
  type UploadRequest,
  type UploadResult,
  type UploadStagePlan,
} from './artifacts.js';

type Uploaded = Extract<ServiceEvent, { type: 'uploaded' }>;

/** What a 409 from CreateArtifact means here, and the ways out. */
function duplicateAdvice(env: Env): string {
  const attempt = Number(env['GITHUB_RUN_ATTEMPT'] ?? '1');
  const earlier =
    attempt > 1
      ? ` (GITHUB_RUN_ATTEMPT is ${attempt}: an earlier attempt of this job probably uploaded it)`
      : '';
  return (
    ` An artifact of that name is already in this workflow run${earlier}. Set artifact-overwrite: true to replace it, ` +
    'leave artifact-name empty for default names (they carry the attempt of a re-run), or give each matrix entry ' +
    'its own artifact-name.'
  );
}

/**
 * Why the upload did not finish, naming the artifacts uploaded before and the files of the others, which are only
 * in the output folder; undefined when every artifact was uploaded. Pure.
 */
export function uploadProblem(
  plan: UploadStagePlan,
  run: Pick<ServiceRun, 'ending' | 'events'> & { failure: string },
  env: Env,
): string | undefined {
  const uploaded = new Set(run.events.flatMap((e) => (e.type === 'uploaded' ? [e.name] : [])));
  const missing = plan.uploads.filter((u) => !uploaded.has(u.name));
  if (missing.length === 0) return undefined;
  const root = plan.rootDirectory;
  const before =
    uploaded.size > 0 ? ` Uploaded before: ${[...uploaded].join(', ')}.` : ' No artifact was uploaded.';
  const files = missing.flatMap((u) => u.files.map((f) => path.relative(root, f).split(path.sep).join('/')));
  const notUploaded = ` Not uploaded, still only in the output folder ${root}: ${[...new Set(files)].join(', ')}.`;
  if (run.ending === 'timeout') {
    return (
      `Uploading workflow artifacts did not finish within ${seconds(plan.timeoutMs)} (upload-timeout) and was stopped ` +
      `while uploading ${missing[0]!.name}.${notUploaded}${before} Re-run the job, or raise upload-timeout for ` +
      'a slow artifact service.'
    );
  }
  const failed = run.events.find((e) => e.type === 'upload-failed');
  if (failed) {
    const duplicate = /\(409\)|already exists/i.test(failed.message) ? duplicateAdvice(env) : '';
    return (
      `Uploading artifact ${failed.name} failed: ${failed.message}. The files are still in the output folder ${root}.` +
      `${duplicate}${notUploaded}${before}`
    );
  }
  return `Uploading workflow artifacts failed: ${run.failure}.${notUploaded}${before}`;
}

/** Uploads the planned artifacts one after another; a failure or the deadline becomes the result's problem. */
export async function runUploadStage(plan: UploadStagePlan): Promise<UploadResult> {
  const root = plan.rootDirectory;
  const availability = uploadAvailability(process.env);
  if (!availability.available) {
    const message = `Artifact upload skipped: ${availability.reason}. The files are in ${root}.`;
    if (availability.level === 'notice') core.notice(message);
    else core.warning(message);
    return { uploads: [], skipped: availability.reason };
  }
  if (plan.uploads.length === 0) {
    core.info('Artifact upload: no files to upload.');
    return { uploads: [], skipped: 'no files to upload' };
  }

  const run = await runService(
    {
      op: 'upload',
      uploads: plan.uploads,
      rootDirectory: root,
      overwrite: plan.overwrite,
      ...(plan.retentionDays !== undefined ? { retentionDays: plan.retentionDays } : {}),
    },
    { timeoutMs: plan.timeoutMs },
  );
  const uploads = run.events
    .filter((e): e is Uploaded => e.type === 'uploaded')
    .map(({ name, id, size, digest }) => ({
      name,
      ...(id !== undefined ? { id } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(digest !== undefined ? { digest } : {}),
    }));
  const problem = uploadProblem(plan, { ...run, failure: workerFailure(run) }, process.env);
  return { uploads, ...(problem !== undefined ? { problems: [problem] } : {}) };
}

/** Plans and uploads in one go, for callers that have no release plan; throws the problem, if any. */
export async function uploadArtifacts(req: UploadRequest): Promise<UploadResult> {
  const result = await runUploadStage(planUploadStage(req, process.env));
  if (result.problems && result.problems.length > 0) throw new Error(result.problems.join('\n'));
  return result;
}
