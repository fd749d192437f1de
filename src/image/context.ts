// The build context: one folder holding every platform's binary, the files of a minimal root file system and the
// generated Dockerfile. Layout (also what a custom Dockerfile gets):
//
//   Dockerfile                              the generated one (a custom Dockerfile is passed with --file instead)
//   bin/<os>/<arch>[/<variant>]/<binary>   e.g. bin/linux/amd64/app, bin/linux/arm/v7/app, mode 0755
//   rootfs/etc/passwd, rootfs/etc/group     root and nonroot (65532)
//   rootfs/etc/nsswitch.conf                hosts: files dns
//   rootfs/etc/ssl/certs/ca-certificates.crt   the runner's CA bundle, when it has one
//   rootfs/tmp/                             empty, mode 1777
//
// Every file and folder gets the commit time as mtime: COPY keeps mtimes, so equal inputs give equal layers.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { generateDockerfile, groupFile, nsswitchFile, passwdFile } from './dockerfile.js';
import type { ImagePlatform } from './platforms.js';

export const CA_BUNDLE_PATHS = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/cert.pem', // macOS, OpenBSD
];

/** Folder of a platform's binary inside the context: bin/linux/arm/v7. Pure. */
export function contextBinaryDir(platform: Pick<ImagePlatform, 'os' | 'architecture' | 'variant'>): string {
  return ['bin', platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join(
    '/',
  );
}

export interface ContextOptions {
  dir: string;
  binaryName: string;
  /** Each image platform with the path of its built binary. */
  binaries: Array<{ platform: ImagePlatform; path: string }>;
  baseImage: string;
  /** Unix seconds, used as every mtime. */
  epoch: number;
  /** Candidate CA bundles, first existing wins; CA_BUNDLE_PATHS by default. */
  caBundles?: string[];
}

export interface PreparedContext {
  dir: string;
  dockerfile: string;
  /** The CA bundle copied in, or '' when the runner had none. */
  caBundle: string;
}

async function firstExisting(paths: string[]): Promise<string> {
  for (const candidate of paths) {
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // Not on this runner.
    }
  }
  return '';
}

/**
 * Fixed modes (folders 0755, files 0644, binaries 0755, tmp 1777) whatever the runner's umask, and fixed mtimes.
 * COPY keeps both, so they decide what the image holds.
 */
async function normalise(root: string, epoch: number): Promise<void> {
  const entries = await fs.readdir(root, { recursive: true });
  // Deepest first, so that touching a file does not change its folder's mtime afterwards.
  for (const entry of entries.sort((a, b) => b.length - a.length)) {
    const full = path.join(root, entry);
    const stat = await fs.lstat(full);
    const posix = entry.split(path.sep).join('/');
    if (stat.isDirectory()) await fs.chmod(full, posix === 'rootfs/tmp' ? 0o1777 : 0o755);
    else if (stat.isFile()) await fs.chmod(full, posix.startsWith('bin/') ? 0o755 : 0o644);
    await fs.lutimes(full, epoch, epoch);
  }
  await fs.lutimes(root, epoch, epoch);
}

/** Writes the context into `dir` (which must exist and be empty). */
export async function prepareContext(options: ContextOptions): Promise<PreparedContext> {
  const { dir } = options;
  for (const { platform, path: binary } of options.binaries) {
    const target = path.join(dir, contextBinaryDir(platform), options.binaryName);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // A copy, not a link: the original's mode and mtime stay as they were.
    await fs.copyFile(binary, target);
  }
  const rootfs = path.join(dir, 'rootfs');
  await fs.mkdir(path.join(rootfs, 'etc', 'ssl', 'certs'), { recursive: true });
  await fs.writeFile(path.join(rootfs, 'etc', 'passwd'), passwdFile());
  await fs.writeFile(path.join(rootfs, 'etc', 'group'), groupFile());
  await fs.writeFile(path.join(rootfs, 'etc', 'nsswitch.conf'), nsswitchFile());
  const caBundle = await firstExisting(options.caBundles ?? CA_BUNDLE_PATHS);
  if (caBundle) {
    await fs.copyFile(caBundle, path.join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
  }
  await fs.mkdir(path.join(rootfs, 'tmp'));
  const dockerfile = path.join(dir, 'Dockerfile');
  await fs.writeFile(
    dockerfile,
    generateDockerfile({ baseImage: options.baseImage, binaryName: options.binaryName }),
  );
  await normalise(dir, options.epoch);
  return { dir, dockerfile, caBundle };
}
