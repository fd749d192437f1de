// Download source `module-proxy`: the golang.org/toolchain module from GOPROXY, as the go command fetches it, its
// zip checked against the h1 hash from go.sum or the checksum database before a single file is extracted.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as io from '@actions/io';
import { downloadFile, fetchText, HttpStatusError } from './http.js';
import { verifyAndCache } from './local.js';
import {
  fallsThrough,
  findModuleHash,
  parseGoProxy,
  parseGoSumDb,
  parseToolchainList,
  type ProxyEntry,
  TOOLCHAIN_MODULE,
  toolchainModuleVersion,
  toolchainZipPrefix,
} from './modproxy.js';
import { ToolchainZip } from './toolchain-zip.js';
import type { DownloadSource, GoSetup, GoSetupOptions } from './types.js';
import type { GoPlatform, GoRelease, GoVersion } from './version.js';

export class ModuleProxySource implements DownloadSource {
  readonly listUrl: string;
  readonly installsWithoutList = true;
  private readonly goproxy: string;
  private readonly proxies: ProxyEntry[];

  constructor(
    private readonly platform: GoPlatform,
    private readonly options: Pick<GoSetupOptions, 'workingDirectory' | 'skipChecksum'>,
    private readonly goEnvDefaults: { goproxy: string; gosumdb: string },
  ) {
    this.goproxy = process.env['GOPROXY'] || goEnvDefaults.goproxy || 'https://proxy.golang.org,direct';
    this.proxies = parseGoProxy(this.goproxy);
    const first = this.proxies.find((entry) => entry.kind !== 'direct');
    this.listUrl =
      first?.kind === 'proxy' ? `${first.url}/${TOOLCHAIN_MODULE}/@v/list` : `GOPROXY=${this.goproxy}`;
  }

  /** Runs `attempt` against each GOPROXY entry in turn, falling through the way the go command does. */
  private async throughProxies<T>(attempt: (proxyUrl: string) => Promise<T>): Promise<T> {
    const failures: string[] = [];
    for (const entry of this.proxies) {
      if (entry.kind === 'off') break;
      if (entry.kind === 'direct') continue; // there is no repository to fetch a toolchain from directly
      try {
        return await attempt(entry.url);
      } catch (error) {
        failures.push((error as Error).message);
        if (!fallsThrough(entry, error instanceof HttpStatusError ? error.status : undefined)) break;
      }
    }
    if (failures.length === 0) {
      throw new Error(
        `GOPROXY=${this.goproxy} names no proxy to download ${TOOLCHAIN_MODULE} from; set GOPROXY or use go-download-source: go.dev`,
      );
    }
    throw new Error(failures.join('; '));
  }

  async listReleases(): Promise<GoRelease[]> {
    const text = await this.throughProxies((proxy) => fetchText(`${proxy}/${TOOLCHAIN_MODULE}/@v/list`));
    return parseToolchainList(text, this.platform);
  }

  /** The h1 hash to trust: a go.sum line in the working directory, else the checksum database's answer. */
  private async expectedHash(
    moduleVersion: string,
  ): Promise<{ hash: string; from: string } | { failure: string }> {
    const goSum = path.join(this.options.workingDirectory, 'go.sum');
    const local = existsSync(goSum)
      ? findModuleHash(await fs.readFile(goSum, 'utf8'), TOOLCHAIN_MODULE, moduleVersion)
      : null;
    if (local) return { hash: local, from: goSum };

    const sumdb = parseGoSumDb(process.env['GOSUMDB'] || this.goEnvDefaults.gosumdb);
    if (!sumdb) return { failure: 'GOSUMDB=off and go.sum has no line for it' };
    const lookup = `lookup/${TOOLCHAIN_MODULE}@${moduleVersion}`;
    const failures: string[] = [];
    const urls = [
      ...this.proxies.flatMap((entry) =>
        entry.kind === 'proxy' ? [`${entry.url}/sumdb/${sumdb.name}/${lookup}`] : [],
      ),
      `${sumdb.url}/${lookup}`,
    ];
    for (const url of urls) {
      try {
        const hash = findModuleHash(await fetchText(url), TOOLCHAIN_MODULE, moduleVersion);
        if (hash) return { hash, from: url };
        failures.push(`${url} has no h1 line for ${moduleVersion}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    return { failure: `the checksum database ${sumdb.name} could not be reached (${failures.join('; ')})` };
  }

  async install(version: GoVersion): Promise<GoSetup> {
    const moduleVersion = toolchainModuleVersion(version, this.platform);
    const zipName = `${TOOLCHAIN_MODULE}@${moduleVersion}.zip`;
    const expected = await this.expectedHash(moduleVersion);
    if ('failure' in expected && !this.options.skipChecksum) {
      throw new Error(
        `Cannot verify ${zipName}: ${expected.failure}. Set go-skip-checksum: true to accept it unverified.`,
      );
    }

    let url = '';
    const file = await this.throughProxies(async (proxy) => {
      url = `${proxy}/${TOOLCHAIN_MODULE}/@v/${moduleVersion}.zip`;
      core.info(`Downloading ${url}`);
      return downloadFile(url);
    });
    const unreadable = (error: unknown): Error =>
      new Error(
        `Download of ${url} is not a readable zip (truncated or damaged): ${(error as Error).message}`,
      );
    let extracted: string | undefined;
    let zip: ToolchainZip | undefined;
    try {
      zip = await ToolchainZip.open(file).catch((error: unknown) => {
        throw unreadable(error);
      });
      const tooLarge = zip.sizeProblem();
      if (tooLarge) throw new Error(`${zipName} from ${url} is not a toolchain module zip: ${tooLarge}.`);
      const actual = await zip.hash().catch((error: unknown) => {
        throw unreadable(error);
      });
      if ('hash' in expected) {
        if (actual !== expected.hash)
          throw new Error(`Checksum mismatch for ${zipName}: expected ${expected.hash}, got ${actual}`);
        core.info(`${actual} matches ${expected.from}`);
      } else {
        core.warning(
          `${zipName} is used unverified (go-skip-checksum): ${expected.failure}. Its hash is ${actual}.`,
        );
      }
      extracted = await fs.mkdtemp(`${file}-`);
      const goroot = path.join(extracted, 'go');
      const problem = await zip.extract(toolchainZipPrefix(moduleVersion), goroot).catch((error: unknown) => {
        throw new Error(`${zipName} does not extract: ${(error as Error).message}`);
      });
      if (problem) throw new Error(`${zipName} from ${url} is not a toolchain module zip: ${problem}.`);
      return await verifyAndCache(goroot, version, {
        url,
        bytes: zip.bytes,
        checksum: 'hash' in expected ? actual : '',
      });
    } finally {
      await zip?.close();
      await io.rmRF(file);
      if (extracted) await io.rmRF(extracted);
    }
  }
}
