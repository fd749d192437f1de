// Ports: a free one for the binary, and where a process listens instead when it ignores the one it was given.
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import { groupMembers } from '../util/process/children.js';

/** A port free on 127.0.0.1 right now: the kernel picks it for a listener we close at once. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`could not read the port of a probe listener (${String(address)})`));
      });
    });
  });
}

export interface ListeningSocket {
  /** `127.0.0.1:8080`, `[::]:8080`. */
  address: string;
  port: number;
  inode: string;
}

const TCP_LISTEN = '0A';

/** Listening sockets in a /proc/net/tcp or /proc/net/tcp6 table. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== TCP_LISTEN) continue;
    const [hexAddress, hexPort] = fields[1]!.split(':') as [string, string];
    const port = parseInt(hexPort, 16);
    sockets.push({ address: `${formatProcAddress(hexAddress)}:${port}`, port, inode: fields[9]! });
  }
  return sockets;
}

/** /proc/net/tcp prints each 32-bit word of the address in host (little-endian) order. */
function formatProcAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (mapped) return bytes.slice(12).join('.');
  // Written the usual way: the longest run of two or more zero groups becomes `::`.
  let run = { start: -1, length: 1 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > run.length) run = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const text =
    run.start < 0
      ? groups.join(':')
      : `${groups.slice(0, run.start).join(':')}::${groups.slice(run.start + run.length).join(':')}`;
  return `[${text}]`;
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * TCP sockets listened on by any process of the process group `pgid` (Linux only; [] elsewhere or when /proc cannot
 * tell). Reads /proc directly, so no `ss` or `netstat` needs to be installed.
 */
export async function listeningSocketsOfGroup(pgid: number): Promise<ListeningSocket[]> {
  if (process.platform !== 'linux') return [];
  const inodes = new Set<string>();
  for (const pid of await groupMembers(pgid)) {
    let fds: string[];
    try {
      fds = await fs.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(await fs.readlink(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  if (inodes.size === 0) return [];
  const tables = (await readOrEmpty('/proc/net/tcp')) + '\n' + (await readOrEmpty('/proc/net/tcp6'));
  const seen = new Set<string>();
  return parseProcNetTcp(tables).filter(
    (s) => inodes.has(s.inode) && !seen.has(s.address) && seen.add(s.address),
  );
}
