// A downloaded golang.org/toolchain module zip, read from the file on disk: its h1 hash (dirhash, the way the go
// command verifies it), then its extraction as a GOROOT with what the go command restores after its own toolchain
// download (exec bits, nested go.mod files). Hashing writes nothing, so the caller extracts only a verified zip.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { inPool } from '../util/pool.js';
import {
  hash1,
  moduleZipProblem,
  moduleZipSizeProblem,
  restoredGoMod,
  toolchainFileMode,
} from './modproxy.js';
import {
  hashZipEntries,
  openZipFile,
  readZipDirectory,
  type ZipEntry,
  zipEntryChunks,
  type ZipSource,
} from './zip-reader.js';

const EXTRACT_CONCURRENCY = 8;

/** A toolchain zip opened from its file on disk, its directory read. Errors reading it are ZipFormatErrors. */
export class ToolchainZip {
  private constructor(
    private readonly zip: ZipSource,
    private readonly entries: ZipEntry[],
    /** The entries' names, decoded. */
    readonly names: string[],
  ) {}

  static async open(file: string): Promise<ToolchainZip> {
    const zip = await openZipFile(file);
    try {
      const entries = await readZipDirectory(zip);
      return new ToolchainZip(
        zip,
        entries,
        entries.map((entry) => entry.name.toString('utf8')),
      );
    } catch (error) {
      await zip.close();
      throw error;
    }
  }

  /** The zip file's size. */
  get bytes(): number {
    return this.zip.size;
  }

  /** Checked before reading any content: a zip too large for a module is refused unread. */
  sizeProblem(): string | null {
    return moduleZipSizeProblem(
      this.zip.size,
      this.entries.map((entry) => entry.size),
    );
  }

  /** Go's dirhash.HashZip of the file, each entry streamed through sha256. */
  async hash(): Promise<string> {
    return hash1(await hashZipEntries(this.zip, this.entries));
  }

  /**
   * Writes every entry under `prefix` into `goroot` (which must not exist yet) with explicit modes, and copies
   * each _go.mod to go.mod beside it. Returns why the zip is no toolchain module zip instead, writing nothing.
   */
  async extract(prefix: string, goroot: string): Promise<string | null> {
    const problem = moduleZipProblem(this.names, prefix);
    if (problem) return problem;
    const posix = process.platform !== 'win32';
    const restores: Array<{ from: string; to: string }> = [];
    await fs.mkdir(goroot);
    const folders = new Map<string, Promise<unknown>>();
    let failure: { error: unknown } | undefined;
    // Each file costs a few system calls; several in flight keep the disk, not the round trips, the limit.
    await inPool(this.entries, EXTRACT_CONCURRENCY, async (entry, index) => {
      if (failure) return;
      try {
        const relative = this.names[index]!.slice(prefix.length);
        const target = path.join(goroot, ...relative.split('/'));
        const folder = path.dirname(target);
        if (!folders.has(folder)) folders.set(folder, fs.mkdir(folder, { recursive: true }));
        await folders.get(folder);
        await this.writeEntry(entry, target, toolchainFileMode(relative), posix);
        const goMod = restoredGoMod(relative);
        if (goMod) restores.push({ from: target, to: path.join(goroot, ...goMod.split('/')) });
      } catch (error) {
        failure ??= { error };
      }
    });
    // Every write has settled here, so the caller may remove the tree at once.
    if (failure) throw failure.error;
    // After every entry, so a go.mod entry of the zip itself cannot overwrite the restored copy.
    for (const { from, to } of restores) {
      await fs.copyFile(from, to);
      if (posix) await fs.chmod(to, 0o644);
    }
    return null;
  }

  private async writeEntry(entry: ZipEntry, target: string, mode: number, posix: boolean): Promise<void> {
    // 'wx': the tree is fresh, so a name that exists already is an error, never a link to follow.
    const out = await fs.open(target, 'wx', mode);
    try {
      for await (const chunk of zipEntryChunks(this.zip, entry)) await writeAll(out, chunk);
      // The process umask must not decide what the tools may do.
      if (posix) await out.chmod(mode);
    } finally {
      await out.close();
    }
  }

  close(): Promise<void> {
    return this.zip.close();
  }
}

async function writeAll(file: fs.FileHandle, chunk: Buffer): Promise<void> {
  for (let done = 0; done < chunk.length;) {
    done += (await file.write(chunk, done, chunk.length - done)).bytesWritten;
  }
}
