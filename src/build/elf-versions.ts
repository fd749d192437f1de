// ELF symbol version needs (.gnu.version_r, found through DT_VERNEED): which versions of each shared library a
// dynamically linked binary requires, e.g. libc.so.6 -> GLIBC_2.34. Read from the bytes, like the rest of the
// inspection.

/** The reads inspect.ts's bounds-checked reader offers. */
export interface ElfReads {
  u16(offset: number): number;
  u32(offset: number): number;
  cstring(offset: number, max?: number): string;
}

// Both structures have the same layout in 32- and 64-bit files.
const MAX_NEEDS = 256;

/**
 * Walks `count` Verneed entries at file offset `at`; names are offsets into the dynamic string table at
 * `strtab`. Returns library -> version names in file order.
 */
export function readVersionNeeds(
  r: ElfReads,
  at: number,
  count: number,
  strtab: number,
): Record<string, string[]> {
  const needs: Record<string, string[]> = {};
  let entry = at;
  for (let i = 0; i < Math.min(count, MAX_NEEDS); i++) {
    const auxCount = r.u16(entry + 2);
    const file = r.cstring(strtab + r.u32(entry + 4));
    const versions: string[] = [];
    let aux = entry + r.u32(entry + 8);
    for (let j = 0; j < Math.min(auxCount, MAX_NEEDS); j++) {
      versions.push(r.cstring(strtab + r.u32(aux + 8)));
      const nextAux = r.u32(aux + 12);
      if (nextAux === 0) break;
      aux += nextAux;
    }
    needs[file] = versions;
    const next = r.u32(entry + 12);
    if (next === 0) break;
    entry += next;
  }
  return needs;
}
