// Node's names for the machine (process.platform, process.arch) in Go's spelling: the one map the toolchain
// download, the smoke test and the image stage all read. Pure.
import * as os from 'node:os';

const GOOS_OF_NODE_PLATFORM: Record<string, string> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  netbsd: 'netbsd',
  aix: 'aix',
  sunos: 'solaris',
  android: 'android',
};

const GOARCH_OF_NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: '386',
  x32: '386',
  arm: 'arm',
  riscv64: 'riscv64',
  s390x: 's390x',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
  mips64el: 'mips64le',
};

export interface GoPlatformName {
  goos: string;
  goarch: string;
}

/**
 * Go's GOOS/GOARCH for a Node platform and architecture. Node calls both 64-bit POWER byte orders `ppc64`: Linux
 * runs the little-endian one (ppc64le), AIX the big-endian one.
 */
export function goPlatformOf(
  platform: string = process.platform,
  arch: string = process.arch,
  endianness: 'BE' | 'LE' = os.endianness(),
): GoPlatformName {
  const goos = GOOS_OF_NODE_PLATFORM[platform] ?? platform;
  const goarch = arch === 'ppc64' ? (endianness === 'LE' ? 'ppc64le' : 'ppc64') : (GOARCH_OF_NODE_ARCH[arch] ?? arch);
  return { goos, goarch };
}

/** `linux/amd64`-style id of a Node platform and architecture. */
export function goPlatformId(
  platform: string = process.platform,
  arch: string = process.arch,
  endianness: 'BE' | 'LE' = os.endianness(),
): string {
  const { goos, goarch } = goPlatformOf(platform, arch, endianness);
  return `${goos}/${goarch}`;
}
