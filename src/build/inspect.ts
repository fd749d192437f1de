// Reads what a built binary really is from its own bytes (ELF, PE, Mach-O headers and the Go build info) and
// compares that with the target it was built for. No `file`/`readelf`: runners do not all have them.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import type { Target } from '../types.js';
import { findBuildInfo, type GoBuildInfo } from './buildinfo.js';
import { readVersionNeeds } from './elf-versions.js';
import { targetEnv } from './targets.js';

export type BinaryFormat = 'elf' | 'pe' | 'macho' | 'wasm' | 'unknown';

export interface Inspection {
  format: BinaryFormat;
  /** From the headers (ELF OS/ABI and notes, PE = windows, Mach-O = darwin), refined by build info where headers cannot tell. */
  goos: string;
  /** From the machine/CPU type field; '' when unknown. */
  goarch: string;
  /** A recognised format with no program interpreter and no needed shared libraries. */
  static: boolean;
  /** ELF PT_INTERP or Mach-O LC_LOAD_DYLINKER. */
  interpreter?: string;
  /** ELF DT_NEEDED, PE imported DLLs, Mach-O LC_LOAD_DYLIB. */
  needed: string[];
  /** ELF symbol version needs per library (libc.so.6 -> GLIBC_2.34, ...); absent when the binary has none. */
  versionNeeds?: Record<string, string[]>;
  buildInfo?: GoBuildInfo;
  size: number;
  sha256: string;
}

export class InspectError extends Error {}

/** Bounds-checked reads in one byte order; a truncated or corrupt binary becomes an InspectError, not garbage. */
class Reader {
  constructor(
    readonly bytes: Buffer,
    readonly little: boolean,
  ) {}
  private check(offset: number, size: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.bytes.length) {
      throw new InspectError(
        `truncated or corrupt header (read of ${size} bytes at offset ${offset}, file has ${this.bytes.length})`,
      );
    }
  }
  u8(offset: number): number {
    this.check(offset, 1);
    return this.bytes[offset]!;
  }
  u16(offset: number): number {
    this.check(offset, 2);
    return this.little ? this.bytes.readUInt16LE(offset) : this.bytes.readUInt16BE(offset);
  }
  u32(offset: number): number {
    this.check(offset, 4);
    return this.little ? this.bytes.readUInt32LE(offset) : this.bytes.readUInt32BE(offset);
  }
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.little ? this.bytes.readBigUInt64LE(offset) : this.bytes.readBigUInt64BE(offset);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  /** NUL-terminated string at offset, at most `max` bytes. */
  cstring(offset: number, max = 4096): string {
    this.check(offset, 1);
    const end = this.bytes.indexOf(0, offset);
    const stop = end === -1 ? Math.min(this.bytes.length, offset + max) : Math.min(end, offset + max);
    return this.bytes.toString('utf8', offset, stop);
  }
}

// Upper bounds on header tables, so a corrupt count cannot make a loop run for long.
const MAX_ENTRIES = 65_536;

interface HeaderFacts {
  format: BinaryFormat;
  goos: string;
  goarch: string;
  /** Whether `goos` came from a header field that names the OS, rather than a default. */
  osFromHeader: boolean;
  interpreter?: string;
  needed: string[];
  versionNeeds?: Record<string, string[]>;
}

const ELF_MACHINES: Record<number, (is64: boolean, little: boolean) => string> = {
  3: () => '386',
  8: (is64, little) => (is64 ? (little ? 'mips64le' : 'mips64') : little ? 'mipsle' : 'mips'),
  20: () => 'ppc',
  21: (_is64, little) => (little ? 'ppc64le' : 'ppc64'),
  22: () => 's390x',
  40: () => 'arm',
  62: () => 'amd64',
  183: () => 'arm64',
  243: () => 'riscv64',
  258: () => 'loong64',
};

// EI_OSABI values that name an OS. Linux binaries usually say SYSV (0), so 0 is not taken as proof of anything.
const ELF_OSABI: Record<number, string> = {
  2: 'netbsd',
  3: 'linux',
  6: 'solaris',
  9: 'freebsd',
  12: 'openbsd',
};
const ELF_NOTE_OS: Record<string, string> = {
  NetBSD: 'netbsd',
  OpenBSD: 'openbsd',
  DragonFly: 'dragonfly',
  FreeBSD: 'freebsd',
};

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

function parseElf(bytes: Buffer): HeaderFacts {
  const is64 = bytes[4] === 2;
  if (bytes[4] !== 1 && bytes[4] !== 2)
    throw new InspectError(`ELF class ${bytes[4]} is neither 32- nor 64-bit`);
  if (bytes[5] !== 1 && bytes[5] !== 2)
    throw new InspectError(`ELF data encoding ${bytes[5]} is neither little nor big endian`);
  const r = new Reader(bytes, bytes[5] === 1);
  const machine = r.u16(18);
  const goarch = ELF_MACHINES[machine]?.(is64, r.little) ?? '';
  const phoff = is64 ? r.u64(32) : r.u32(28);
  const phentsize = r.u16(is64 ? 54 : 42);
  const phnum = Math.min(r.u16(is64 ? 56 : 44), MAX_ENTRIES);

  const segments: Array<{ type: number; offset: number; vaddr: number; filesz: number }> = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    segments.push(
      is64
        ? { type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
        : { type: r.u32(at), offset: r.u32(at + 4), vaddr: r.u32(at + 8), filesz: r.u32(at + 16) },
    );
  }

  let interpreter: string | undefined;
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp) interpreter = r.cstring(interp.offset, interp.filesz);

  const needed: string[] = [];
  let versionNeeds: Record<string, string[]> | undefined;
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamic) {
    const entrySize = is64 ? 16 : 8;
    const entries: Array<{ tag: number; value: number }> = [];
    for (let i = 0; i < Math.min(dynamic.filesz / entrySize, MAX_ENTRIES); i++) {
      const at = dynamic.offset + i * entrySize;
      const tag = is64 ? r.u64(at) : r.u32(at);
      if (tag === DT_NULL) break;
      entries.push({ tag, value: is64 ? r.u64(at + 8) : r.u32(at + 4) });
    }
    // DT_STRTAB is a virtual address: map it to a file offset through the loadable segment holding it.
    const strtabAddr = entries.find((e) => e.tag === DT_STRTAB)?.value;
    const load = segments.find(
      (s) =>
        s.type === PT_LOAD &&
        strtabAddr !== undefined &&
        strtabAddr >= s.vaddr &&
        strtabAddr < s.vaddr + s.filesz,
    );
    for (const entry of entries.filter((e) => e.tag === DT_NEEDED)) {
      needed.push(
        load && strtabAddr !== undefined
          ? r.cstring(load.offset + (strtabAddr - load.vaddr) + entry.value)
          : `(unreadable DT_NEEDED ${entry.value})`,
      );
    }
    const toOffset = (vaddr: number): number | undefined => {
      const segment = segments.find(
        (s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz,
      );
      return segment ? segment.offset + (vaddr - segment.vaddr) : undefined;
    };
    const verneed = entries.find((e) => e.tag === DT_VERNEED)?.value;
    const verneedAt = verneed === undefined ? undefined : toOffset(verneed);
    const strtabAt = strtabAddr === undefined ? undefined : toOffset(strtabAddr);
    if (verneedAt !== undefined && strtabAt !== undefined) {
      const count = entries.find((e) => e.tag === DT_VERNEEDNUM)?.value ?? 0;
      versionNeeds = readVersionNeeds(r, verneedAt, count, strtabAt);
    }
  }

  let goos = ELF_OSABI[bytes[7]!] ?? '';
  if (!goos) {
    for (const note of segments.filter((s) => s.type === PT_NOTE)) {
      goos = noteOs(r, note.offset, note.filesz);
      if (goos) break;
    }
  }
  return {
    format: 'elf',
    goos: goos || 'linux',
    goarch,
    osFromHeader: goos !== '',
    interpreter,
    needed,
    ...(versionNeeds ? { versionNeeds } : {}),
  };
}

/** The OS named by an ELF note segment (NetBSD, OpenBSD, ... write one); '' when none does. */
function noteOs(r: Reader, offset: number, size: number): string {
  const align4 = (n: number): number => (n + 3) & ~3;
  let at = offset;
  for (let i = 0; i < 64 && at + 12 <= offset + size; i++) {
    const namesz = r.u32(at);
    const descsz = r.u32(at + 4);
    const name = namesz > 0 ? r.bytes.toString('latin1', at + 12, at + 12 + namesz).replace(/\0+$/, '') : '';
    if (ELF_NOTE_OS[name]) return ELF_NOTE_OS[name];
    at += 12 + align4(namesz) + align4(descsz);
  }
  return '';
}

const PE_MACHINES: Record<number, string> = { 0x14c: '386', 0x8664: 'amd64', 0xaa64: 'arm64', 0x1c4: 'arm' };

function parsePe(bytes: Buffer): HeaderFacts {
  const r = new Reader(bytes, true);
  const pe = r.u32(0x3c);
  if (r.u32(pe) !== 0x00004550) throw new InspectError('MZ header without a PE signature');
  const coff = pe + 4;
  const goarch = PE_MACHINES[r.u16(coff)] ?? '';
  const sectionCount = Math.min(r.u16(coff + 2), MAX_ENTRIES);
  const optional = coff + 20;
  const optionalSize = r.u16(coff + 16);
  const pe32plus = r.u16(optional) === 0x20b;
  const directoryCount = r.u32(optional + (pe32plus ? 108 : 92));
  const sections: Array<{ vsize: number; vaddr: number; rawSize: number; rawOffset: number }> = [];
  for (let i = 0; i < sectionCount; i++) {
    const at = optional + optionalSize + i * 40;
    sections.push({
      vsize: r.u32(at + 8),
      vaddr: r.u32(at + 12),
      rawSize: r.u32(at + 16),
      rawOffset: r.u32(at + 20),
    });
  }
  const fileOffset = (rva: number): number | undefined => {
    const s = sections.find((sec) => rva >= sec.vaddr && rva < sec.vaddr + Math.max(sec.vsize, sec.rawSize));
    return s ? s.rawOffset + (rva - s.vaddr) : undefined;
  };
  const needed: string[] = [];
  if (directoryCount > 1) {
    const importRva = r.u32(optional + (pe32plus ? 112 : 96) + 8);
    let at = importRva ? fileOffset(importRva) : undefined;
    for (let i = 0; at !== undefined && i < MAX_ENTRIES; i++, at += 20) {
      const nameRva = r.u32(at + 12);
      if (nameRva === 0 && r.u32(at + 16) === 0) break;
      const nameAt = fileOffset(nameRva);
      if (nameAt !== undefined) needed.push(r.cstring(nameAt, 256));
    }
  }
  return { format: 'pe', goos: 'windows', goarch, osFromHeader: true, needed };
}

const MACHO_CPUS: Record<number, string> = {
  7: '386',
  0x01000007: 'amd64',
  12: 'arm',
  0x0100000c: 'arm64',
  0x01000012: 'ppc64',
};
const LC_LOAD_DYLINKER = 0xe;
const LC_DYLIBS = new Set([0xc, 0x20, 0x80000018, 0x8000001f, 0x80000023]);

function parseMachO(bytes: Buffer, is64: boolean, little: boolean): HeaderFacts {
  const r = new Reader(bytes, little);
  const goarch = MACHO_CPUS[r.u32(4)] ?? '';
  const commandCount = Math.min(r.u32(16), MAX_ENTRIES);
  let at = is64 ? 32 : 28;
  let interpreter: string | undefined;
  const needed: string[] = [];
  for (let i = 0; i < commandCount; i++) {
    const cmd = r.u32(at);
    const size = r.u32(at + 4);
    if (size < 8) throw new InspectError(`Mach-O load command ${i} has size ${size}`);
    if (cmd === LC_LOAD_DYLINKER) interpreter = r.cstring(at + r.u32(at + 8), size);
    else if (LC_DYLIBS.has(cmd)) needed.push(r.cstring(at + r.u32(at + 8), size));
    at += size;
  }
  return { format: 'macho', goos: 'darwin', goarch, osFromHeader: false, interpreter, needed };
}

function parseHeaders(bytes: Buffer): HeaderFacts {
  if (bytes.length < 64) {
    if (bytes.subarray(0, 4).equals(Buffer.from('\0asm', 'latin1')))
      return { format: 'wasm', goos: '', goarch: 'wasm', osFromHeader: false, needed: [] };
    throw new InspectError(`only ${bytes.length} bytes, too short for an executable`);
  }
  const magic = bytes.readUInt32BE(0);
  if (magic === 0x7f454c46) return parseElf(bytes);
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) return parsePe(bytes);
  if (magic === 0xcffaedfe || magic === 0xcefaedfe) return parseMachO(bytes, magic === 0xcffaedfe, true);
  if (magic === 0xfeedfacf || magic === 0xfeedface) return parseMachO(bytes, magic === 0xfeedfacf, false);
  if (magic === 0x0061736d)
    return { format: 'wasm', goos: '', goarch: 'wasm', osFromHeader: false, needed: [] };
  return { format: 'unknown', goos: '', goarch: '', osFromHeader: false, needed: [] };
}

/** Inspects a binary held in memory. Throws InspectError when its headers are corrupt. */
export function inspectBytes(bytes: Buffer): Inspection {
  const headers = parseHeaders(bytes);
  const buildInfo = findBuildInfo(bytes);
  // Headers cannot tell Linux from Android, iOS from macOS, illumos from Solaris: the build info can.
  const buildGoos = buildInfo?.settings['GOOS'];
  const goos = !headers.osFromHeader && buildGoos ? buildGoos : headers.goos;
  return {
    format: headers.format,
    goos,
    goarch: headers.goarch || (headers.format === 'unknown' ? (buildInfo?.settings['GOARCH'] ?? '') : ''),
    static: headers.format !== 'unknown' && headers.interpreter === undefined && headers.needed.length === 0,
    ...(headers.interpreter !== undefined ? { interpreter: headers.interpreter } : {}),
    needed: headers.needed,
    ...(headers.versionNeeds ? { versionNeeds: headers.versionNeeds } : {}),
    ...(buildInfo ? { buildInfo } : {}),
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Reads a binary and inspects it. Throws naming the file when it cannot be read or parsed. */
export async function inspectBinary(file: string): Promise<Inspection> {
  const bytes = await fs.readFile(file);
  try {
    return inspectBytes(bytes);
  } catch (error) {
    if (error instanceof InspectError) throw new InspectError(`${file}: ${error.message}`);
    throw error;
  }
}

const FORMAT_NAMES: Record<BinaryFormat, string> = {
  elf: 'ELF',
  pe: 'PE',
  macho: 'Mach-O',
  wasm: 'WebAssembly',
  unknown: 'unrecognised',
};

/** The container format the target's OS loads; undefined when this module does not read that format. */
export function expectedFormat(goos: string): BinaryFormat | undefined {
  if (goos === 'windows') return 'pe';
  if (goos === 'darwin' || goos === 'ios') return 'macho';
  if (goos === 'js' || goos === 'wasip1') return 'wasm';
  if (goos === 'plan9' || goos === 'aix') return undefined;
  return 'elf';
}

/** Every way the binary differs from what the target and options promise; [] when it is what it claims. */
export function checkInspection(inspection: Inspection, target: Target, opts: { cgo: boolean }): string[] {
  const problems: string[] = [];
  const id = target.id;
  const format = expectedFormat(target.goos);
  if (format) {
    const found = `${FORMAT_NAMES[inspection.format]} for ${inspection.goarch || 'an unknown architecture'}`;
    if (inspection.format !== format || (format !== 'wasm' && inspection.goarch !== target.goarch)) {
      problems.push(
        `${id}: expected ${format === 'elf' ? 'an' : 'a'} ${FORMAT_NAMES[format]} binary for ${target.goarch}, found ${found}`,
      );
    } else if (inspection.goos !== target.goos) {
      problems.push(`${id}: expected a binary for ${target.goos}, found one for ${inspection.goos}`);
    }
  }

  // Only an ELF can be judged here; any other format was reported above already.
  if (target.goos === 'linux' && !opts.cgo && inspection.format === 'elf' && !inspection.static) {
    const parts = [
      ...(inspection.interpreter !== undefined ? [`interpreter ${inspection.interpreter}`] : []),
      ...(inspection.needed.length > 0 ? [`shared libraries ${inspection.needed.join(', ')}`] : []),
    ];
    problems.push(
      `${id}: not statically linked (${parts.join('; ')}); it will not start on systems without them. Build with CGO_ENABLED=0 (cgo: false), or set cgo: true if C libraries are intended.`,
    );
  }

  const info = inspection.buildInfo;
  if (!info) {
    problems.push(`${id}: no Go build info found in the binary; was it built by go 1.18 or newer?`);
    return problems;
  }
  const settings = info.settings;
  if (!opts.cgo && settings['CGO_ENABLED'] !== '0') {
    problems.push(
      `${id}: build info says CGO_ENABLED=${settings['CGO_ENABLED'] ?? '(unset)'}, expected 0; check build-env and the environment for CGO_ENABLED.`,
    );
  }
  if (settings['-trimpath'] !== 'true') {
    problems.push(
      `${id}: build info does not record -trimpath=true, so the binary may hold runner paths and is not reproducible.`,
    );
  }
  for (const [key, expected] of Object.entries(targetEnv(target))) {
    const recorded = settings[key];
    if (recorded !== undefined && recorded.split(',')[0] !== expected) {
      problems.push(`${id}: build info says ${key}=${recorded}, expected ${expected}`);
    }
  }
  return problems;
}
