// Reads images back from a registry over the distribution HTTP API (basic auth), and files out of their layers.
import * as zlib from 'node:zlib';

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface IndexDoc {
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ManifestDoc {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageConfigDoc {
  os: string;
  architecture: string;
  variant?: string;
  created?: string;
  config: {
    User?: string;
    Entrypoint?: string[];
    Env?: string[];
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, unknown>;
  };
}

export class RegistryClient {
  constructor(
    readonly registry: string,
    private readonly user: string,
    private readonly password: string,
  ) {}

  private async get(url: string, accept: string[]): Promise<Response> {
    const auth = Buffer.from(`${this.user}:${this.password}`).toString('base64');
    return fetch(`http://${this.registry}/v2/${url}`, {
      headers: { authorization: `Basic ${auth}`, accept: accept.join(', ') },
      signal: AbortSignal.timeout(30_000),
    });
  }

  /** The HTTP status of a tag's manifest: 200 when it exists, 404 when not. */
  async tagStatus(repository: string, tag: string): Promise<number> {
    const response = await this.get(`${repository}/manifests/${tag}`, [...INDEX_TYPES, ...MANIFEST_TYPES]);
    await response.arrayBuffer();
    return response.status;
  }

  async tags(repository: string): Promise<string[]> {
    const response = await this.get(`${repository}/tags/list`, ['application/json']);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`tags/list of ${repository}: HTTP ${response.status}`);
    return ((await response.json()) as { tags: string[] | null }).tags ?? [];
  }

  /** A manifest or index by tag or digest, with the digest the registry reports. */
  async manifest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; body: unknown }> {
    const response = await this.get(`${repository}/manifests/${reference}`, [
      ...INDEX_TYPES,
      ...MANIFEST_TYPES,
    ]);
    if (!response.ok) throw new Error(`manifest ${repository}:${reference}: HTTP ${response.status}`);
    return {
      digest: response.headers.get('docker-content-digest') ?? '',
      mediaType: response.headers.get('content-type') ?? '',
      body: await response.json(),
    };
  }

  async blob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.get(`${repository}/blobs/${digest}`, ['*/*']);
    if (!response.ok) throw new Error(`blob ${repository}@${digest}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
}

export interface TarEntry {
  name: string;
  /** '0' file, '5' directory, '2' symlink, ... */
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Buffer;
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The records of a PAX extended header: `<len> key=value\n` each. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString());
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

/** Parses a tar archive (gzip-compressed or not): ustar, PAX and GNU long-name headers. */
export function readTar(archive: Buffer): TarEntry[] {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? zlib.gunzipSync(archive) : archive;
  const entries: TarEntry[] = [];
  let offset = 0;
  let pending: Record<string, string> = {};
  while (offset + 512 <= tar.length) {
    const block = tar.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) break;
    const size = octal(block, 124, 12);
    const type = field(block, 156, 1) || '0';
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pending = { ...pending, ...paxRecords(data) };
      continue;
    }
    if (type === 'L') {
      pending['path'] = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(block, 345, 155);
    const name = pending['path'] ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    entries.push({
      name: name.replace(/^\.\//, '').replace(/\/$/, ''),
      type,
      mode: octal(block, 100, 8),
      uid: pending['uid'] ? Number(pending['uid']) : octal(block, 108, 8),
      gid: pending['gid'] ? Number(pending['gid']) : octal(block, 116, 8),
      mtime: pending['mtime'] ? Math.floor(Number(pending['mtime'])) : octal(block, 136, 12),
      data: Buffer.from(data),
    });
    pending = {};
  }
  return entries;
}
