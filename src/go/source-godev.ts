// Download source `go.dev` (or a mirror of it at go-download-base-url): the JSON index lists every release file
// with its size and sha256; the archive is checked against both before it is extracted and cached.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { sha256File } from '../util/hash.js';
import { lastLines } from '../util/text.js';
import { runCommand } from '../util/process/run.js';
import { downloadFile, fetchText, megabytes } from './http.js';
import { verifyAndCache } from './local.js';
import type { DownloadSource, GoSetup, GoSetupOptions } from './types.js';
import {
  compareGoVersions,
  findArchive,
  type GoIndexRelease,
  type GoPlatform,
  type GoRelease,
  type GoVersion,
  parseGoIndex,
} from './version.js';

export class GoDevSource implements DownloadSource {
  readonly listUrl: string;
  readonly installsWithoutList = false;
  private readonly baseUrl: string;
  private index: GoIndexRelease[] = [];

  constructor(
    private readonly platform: GoPlatform,
    private readonly options: Pick<GoSetupOptions, 'downloadBaseUrl' | 'skipChecksum'>,
  ) {
    this.baseUrl = options.downloadBaseUrl.replace(/\/+$/, '');
    this.listUrl = `${this.baseUrl}/?mode=json&include=all`;
  }

  async listReleases(): Promise<GoRelease[]> {
    const text = await fetchText(this.listUrl);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.listUrl} is not JSON: ${(error as Error).message}`);
    }
    try {
      this.index = parseGoIndex(json);
    } catch (error) {
      throw new Error(`${this.listUrl}: ${(error as Error).message}`);
    }
    // Only releases that have an archive for this platform count as existing here.
    return this.index.filter((release) => findArchive(release, this.platform) !== undefined);
  }

  async install(version: GoVersion): Promise<GoSetup> {
    const release = this.index.find((r) => compareGoVersions(r.version, version) === 0);
    const file = release && findArchive(release, this.platform);
    if (!file)
      throw new Error(
        `${this.listUrl} lists no ${this.platform.goos}-${this.platform.indexArch} archive of Go ${version.text}.`,
      );
    if (!file.sha256 && !this.options.skipChecksum) {
      throw new Error(
        `${this.listUrl} publishes no sha256 for ${file.filename}, so it cannot be verified. ` +
          'Set go-skip-checksum: true to accept it unverified.',
      );
    }
    const url = `${this.baseUrl}/${file.filename}`;
    core.info(`Downloading ${url}${file.size ? ` (${megabytes(file.size)})` : ''}`);
    const archive = await downloadFile(url);
    let extracted: string | undefined;
    try {
      const bytes = (await fs.stat(archive)).size;
      if (file.size > 0 && bytes !== file.size) {
        throw new Error(
          `Download of ${url} is truncated or damaged: the index says ${file.size} bytes, got ${bytes}.`,
        );
      }
      const actual = await sha256File(archive);
      if (!file.sha256) {
        core.warning(
          `${file.filename} has no published sha256; using it unverified (go-skip-checksum). Its sha256 is ${actual}.`,
        );
      } else if (actual !== file.sha256) {
        throw new Error(`Checksum mismatch for ${file.filename}: expected ${file.sha256}, got ${actual}`);
      } else {
        core.info(`sha256 ${actual} matches the index`);
      }
      extracted = await fs.mkdtemp(path.join(runnerTemp(), 'go-'));
      await extract(archive, file.filename, extracted, url);
      return await verifyAndCache(path.join(extracted, 'go'), version, {
        url,
        bytes,
        checksum: file.sha256 ? `sha256:${actual}` : '',
      });
    } finally {
      await io.rmRF(archive);
      if (extracted) await io.rmRF(extracted);
    }
  }
}

function runnerTemp(): string {
  const temp = process.env['RUNNER_TEMP'];
  if (!temp) throw new Error('RUNNER_TEMP is not set');
  return temp;
}

/** Unpacks a verified go.dev archive into `folder` (it then holds `go/`). */
async function extract(archive: string, filename: string, folder: string, url: string): Promise<void> {
  if (filename.endsWith('.zip')) {
    // Windows archives: tool-cache unpacks them with PowerShell, which every Windows runner has.
    try {
      await tc.extractZip(archive, folder);
    } catch (error) {
      throw new Error(
        `${filename} from ${url} does not extract (damaged archive?): ${(error as Error).message}`,
      );
    }
    return;
  }
  const result = await runCommand('tar', ['-xzf', archive, '-C', folder]);
  if (result.exitCode !== 0) {
    throw new Error(
      `${filename} from ${url} does not extract (damaged archive?): tar exited with ${result.exitCode}: ` +
        lastLines(result.stderr, 5),
    );
  }
}
