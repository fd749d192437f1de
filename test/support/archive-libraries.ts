// The archive libraries gin-release could use instead of its own tar and zip writers (tar-stream and zip-stream are
// already bundled through @actions/artifact's archiver; yazl is the other well-kept zip writer), each driven with
// every field pinned the way src/package pins it. The unit tests use them to show what each cannot give, and
// bench/archive.ts to time them against our writers.
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';

/** One file as the libraries take it: bytes in memory, a plain name, a Unix permission mode. */
export interface LibraryEntry {
  name: string;
  data: Buffer;
  mode: number;
}

/** The part of zip-stream's CommonJS API used here (the package ships no types). */
interface ZipStream extends Readable {
  entry(
    source: Buffer,
    data: { name: string; mode: number; date: Date },
    callback: (error: Error | null) => void,
  ): void;
  finalize(): void;
}

/** The part of yazl's CommonJS API used here (the package ships no types). */
interface YazlZipFile {
  outputStream: Readable;
  addBuffer(
    buffer: Buffer,
    name: string,
    options: { mode: number; mtime: Date; compressionLevel: number },
  ): void;
  end(): void;
}

const require = createRequire(import.meta.url);
const ZipStreamClass = require('zip-stream') as new (options: { level: number }) => ZipStream;
const yazl = require('yazl') as { ZipFile: new () => YazlZipFile };

const S_IFREG = 0o100000;

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** An uncompressed tar from tar-stream, owned by root:0, every entry at `epoch`. */
export async function tarStreamTar(entries: readonly LibraryEntry[], epoch: number): Promise<Buffer> {
  const pack = tarStream.pack();
  const done = collect(pack);
  for (const { name, data, mode } of entries) {
    pack.entry(
      { name, mode, mtime: new Date(epoch * 1000), uid: 0, gid: 0, uname: 'root', gname: 'root' },
      data,
    );
  }
  pack.finalize();
  return done;
}

/** A zip from zip-stream (archiver's zip writer) at zlib `level`, every entry at `epoch`. */
export async function zipStreamZip(
  entries: readonly LibraryEntry[],
  epoch: number,
  level: number,
): Promise<Buffer> {
  const zip = new ZipStreamClass({ level });
  const done = collect(zip);
  for (const { name, data, mode } of entries) {
    await new Promise<void>((resolve, reject) =>
      zip.entry(data, { name, mode, date: new Date(epoch * 1000) }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  zip.finalize();
  return done;
}

/** A zip from yazl at zlib `level`, every entry at `epoch`. */
export async function yazlZip(
  entries: readonly LibraryEntry[],
  epoch: number,
  level: number,
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const done = collect(zip.outputStream);
  for (const { name, data, mode } of entries) {
    zip.addBuffer(data, name, {
      mode: S_IFREG | mode,
      mtime: new Date(epoch * 1000),
      compressionLevel: level,
    });
  }
  zip.end();
  return done;
}
