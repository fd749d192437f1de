// A real Azure Blob service (Azurite) on 127.0.0.1: the store behind the signed URLs the fake GitHub services hand
// out, so @azure/storage-blob in the clients talks to the genuine blob protocol (Put Block, Put Block List, Get Blob).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

// Azurite's fixed development account (documented, not a secret).
const ACCOUNT_NAME = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface Azurite {
  /** http://127.0.0.1:<port>/devstoreaccount1 */
  accountUrl: string;
  port: number;
  service: BlobServiceClient;
  ensureContainer(container: string): Promise<void>;
  /** A SAS URL for one blob; `permissions` as in Azure (`r` read, `cw` create+write). */
  sasUrl(container: string, blob: string, permissions: string, ttlSeconds?: number): string;
  download(container: string, blob: string): Promise<Buffer>;
  /** Size of a committed blob, or null when there is none. */
  size(container: string, blob: string): Promise<number | null>;
  stop(): Promise<void>;
}

function azuriteMain(): string {
  return createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
}

async function waitForListening(child: ChildProcess): Promise<number> {
  let output = '';
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(
        new Error(`Azurite did not start within ${READY_TIMEOUT_MS} ms. Output:\n${output.slice(-2000)}`),
      );
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) finish(null, Number(match[1]));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(
        new Error(
          `Azurite exited before listening (code ${code}, signal ${signal}). Output:\n${output.slice(-2000)}`,
        ),
      );
    };
    function finish(error: Error | null, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(port!);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts Azurite's blob service on 127.0.0.1 (port 0: any free port) with its data in a fresh temp folder. */
export async function startAzurite(options: { port?: number } = {}): Promise<Azurite> {
  const location = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-azurite-'));
  const child = spawn(
    process.execPath,
    [
      azuriteMain(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(options.port ?? 0),
      '--location',
      location,
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let port: number;
  try {
    port = await waitForListening(child);
  } catch (error) {
    await stopProcess(child);
    await fs.rm(location, { recursive: true, force: true });
    throw error;
  }
  // Keep draining the pipes so a chatty Azurite never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  const accountUrl = `http://127.0.0.1:${port}/${ACCOUNT_NAME}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT_NAME, ACCOUNT_KEY);
  const service = new BlobServiceClient(accountUrl, credential);

  return {
    accountUrl,
    port,
    service,
    async ensureContainer(container) {
      await service.getContainerClient(container).createIfNotExists();
    },
    sasUrl(container, blob, permissions, ttlSeconds = 3600) {
      const sas = generateBlobSASQueryParameters(
        {
          containerName: container,
          blobName: blob,
          permissions: BlobSASPermissions.parse(permissions),
          startsOn: new Date(Date.now() - 60_000),
          expiresOn: new Date(Date.now() + ttlSeconds * 1000),
        },
        credential,
      );
      return `${service.getContainerClient(container).getBlobClient(blob).url}?${sas.toString()}`;
    },
    async download(container, blob) {
      return service.getContainerClient(container).getBlobClient(blob).downloadToBuffer();
    },
    async size(container, blob) {
      const client = service.getContainerClient(container).getBlobClient(blob);
      if (!(await client.exists())) return null;
      return (await client.getProperties()).contentLength ?? 0;
    },
    async stop() {
      await stopProcess(child);
      await fs.rm(location, { recursive: true, force: true });
    },
  };
}
