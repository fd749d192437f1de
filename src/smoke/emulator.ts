// What this runner can execute: qemu-user emulators and, for amd64 levels, the CPU's features.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as io from '@actions/io';
import { QEMU_ARCH, type Emulator, type HostPlatform } from './plan.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** An enabled binfmt_misc entry's interpreter, or null when the entry is disabled or unreadable. */
export function parseBinfmtEntry(text: string): string | null {
  const lines = text.split('\n').map((line) => line.trim());
  if (lines[0] !== 'enabled') return null;
  const interpreter = lines.find((line) => line.startsWith('interpreter '));
  return interpreter ? interpreter.slice('interpreter '.length).trim() : null;
}

/** The `flags` of the first CPU in /proc/cpuinfo (x86 only; other CPUs call them `Features`). */
export function parseCpuFlags(cpuinfo: string): Set<string> | null {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo);
  return line ? new Set(line[1]!.trim().split(/\s+/)) : null;
}

/**
 * GOARCH -> emulator. An explicit `qemu-<arch>-static` (or `qemu-<arch>`) on PATH wins, because running it by name
 * works whatever binfmt_misc says; otherwise an enabled `qemu-<arch>` binfmt_misc entry lets the kernel run the
 * binary directly.
 */
export async function findEmulators(binfmtDir: string = BINFMT_DIR): Promise<Map<string, Emulator>> {
  const found = new Map<string, Emulator>();
  if (process.platform !== 'linux') return found;
  for (const [goarch, qemuArch] of Object.entries(QEMU_ARCH)) {
    for (const name of [`qemu-${qemuArch}-static`, `qemu-${qemuArch}`]) {
      const onPath = await io.which(name, false);
      if (onPath) {
        found.set(goarch, { kind: 'qemu', path: onPath });
        break;
      }
    }
    if (found.has(goarch)) continue;
    try {
      const interpreter = parseBinfmtEntry(
        await fs.readFile(path.join(binfmtDir, `qemu-${qemuArch}`), 'utf8'),
      );
      if (interpreter) found.set(goarch, { kind: 'binfmt', path: interpreter });
    } catch {
      // No such entry, or binfmt_misc is not mounted.
    }
  }
  return found;
}

/** This runner's platform, with x86 CPU flags where /proc/cpuinfo has them. */
export async function detectHost(): Promise<HostPlatform> {
  let cpuFlags: Set<string> | null = null;
  if (process.platform === 'linux') {
    try {
      cpuFlags = parseCpuFlags(await fs.readFile('/proc/cpuinfo', 'utf8'));
    } catch {
      cpuFlags = null;
    }
  }
  return { platform: process.platform, arch: process.arch, cpuFlags };
}
