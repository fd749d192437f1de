// Ports: a free one for the binary, and where a process listens instead when it ignores the one it was given, read
// from the system's own socket tables (/proc on Linux, lsof on macOS, netstat on Windows).
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import { groupMembers } from '../util/process/children.js';
import { runCommand } from '../util/process/run.js';

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

/** A listening TCP socket: `127.0.0.1:8080`, `0.0.0.0:8080`, `[::]:8080`, `[::1]:8080`. */
export interface Listener {
  address: string;
  port: number;
}

/** A row of /proc/net/tcp{,6}: the socket's inode ties it to a process's file descriptors. */
export interface ListeningSocket extends Listener {
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
  return listeningSocketsOfPids(await groupMembers(pgid));
}

/** TCP sockets listened on by any of `pids`, from /proc (Linux only; [] elsewhere). */
export async function listeningSocketsOfPids(pids: Iterable<number>): Promise<ListeningSocket[]> {
  if (process.platform !== 'linux') return [];
  const inodes = new Set<string>();
  for (const pid of pids) {
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

export interface ProcessListener extends Listener {
  pid: number;
}

/** `*` is lsof's wildcard address; which one it stands for depends on the socket's family. */
function lsofAddress(name: string, family: string): string {
  if (!name.startsWith('*:')) return name;
  return `${family === 'IPv6' ? '[::]' : '0.0.0.0'}${name.slice(1)}`;
}

/**
 * Listeners in the table `lsof -nP -iTCP -sTCP:LISTEN` prints (macOS, also Linux), with or without the PGID column
 * `-g` adds: `COMMAND PID [PGID] USER FD TYPE DEVICE SIZE/OFF NODE NAME`, each row ending in `TCP <name> (LISTEN)`.
 * Pure.
 */
export function parseLsofListen(text: string): ProcessListener[] {
  const found: ProcessListener[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // The NAME column is the only one that may hold spaces, and lsof adds `(LISTEN)` after it.
    if (fields.length < 9 || fields.at(-1) !== '(LISTEN)' || fields.at(-3) !== 'TCP') continue;
    const pid = Number(fields[1]);
    const family = fields.find((field) => field === 'IPv4' || field === 'IPv6') ?? 'IPv4';
    const address = lsofAddress(fields.at(-2)!, family);
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) continue;
    found.push({ address, port, pid });
  }
  return found;
}

/**
 * Listening TCP sockets in `netstat -ano` output (Windows): `TCP <local> <foreign> <state> <pid>`. The state column is
 * translated on localized Windows, so a listener is recognised by its foreign address, which is port 0 only for
 * listeners. Pure.
 */
export function parseNetstatListen(text: string): ProcessListener[] {
  const found: ProcessListener[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5 || fields[0]!.toUpperCase() !== 'TCP') continue;
    const [, local, foreign, , pidText] = fields as [string, string, string, string, string];
    if (!/:0$/.test(foreign)) continue;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) continue;
    found.push({ address: local, port, pid });
  }
  return found;
}

function unique(listeners: Listener[]): Listener[] {
  const seen = new Set<string>();
  return listeners
    .map(({ address, port }) => ({ address, port }))
    .filter((l) => !seen.has(l.address) && seen.add(l.address));
}

/** The process being smoke-tested: the one started (leader of its own process group) and any it is known to have started. */
export interface AppProcesses {
  pid: number;
  /** Further processes found by other means (Linux: carrying the attempt's marker variable). */
  related?: readonly number[];
}

/**
 * Where the app's processes listen, from the system's socket tables; null when this system cannot tell (no /proc,
 * lsof or netstat, or they failed), which is different from "nowhere". Linux: the process group plus `related`,
 * from /proc. macOS: the process group, through `lsof -g`. Windows: the process itself (Windows has no process
 * groups, and `netstat -ano` names only the owning PID).
 */
export async function listenersOf(app: AppProcesses): Promise<Listener[] | null> {
  switch (process.platform) {
    case 'linux': {
      try {
        await fs.access('/proc/self/fd');
      } catch {
        return null;
      }
      const pids = new Set([...(await groupMembers(app.pid)), ...(app.related ?? [])]);
      return unique(await listeningSocketsOfPids(pids));
    }
    case 'darwin':
    case 'freebsd': {
      const result = await runCommand('lsof', ['-nP', '-a', '-g', String(app.pid), '-iTCP', '-sTCP:LISTEN']);
      // lsof exits 1 when nothing matched, which is an answer; -1 means it is not there.
      if (result.exitCode !== 0 && (result.exitCode !== 1 || result.stdout.trim() !== '')) return null;
      return unique(parseLsofListen(result.stdout));
    }
    case 'win32': {
      const result = await runCommand('netstat', ['-ano']);
      if (result.exitCode !== 0) return null;
      return unique(parseNetstatListen(result.stdout).filter((l) => l.pid === app.pid));
    }
    default:
      return null;
  }
}

/** Listening addresses a connection to 127.0.0.1 reaches (IPv6 any is dual-stack on Linux by default). */
const REACHABLE_FROM_LOOPBACK = new Set(['127.0.0.1', '0.0.0.0', '[::]']);

function reachable(listener: Listener): boolean {
  return REACHABLE_FROM_LOOPBACK.has(listener.address.slice(0, listener.address.lastIndexOf(':')));
}

/** Where an app listens, seen from the port it was given. */
export type ListenVerdict =
  /** The system cannot tell. */
  | { kind: 'unknown' }
  | { kind: 'nowhere' }
  /** On the given port, where 127.0.0.1 reaches it: it is only slow to answer. */
  | { kind: 'ours' }
  /** On the given port, but only on addresses 127.0.0.1 does not reach. */
  | { kind: 'ours-unreachable'; where: string }
  /** Not on the given port; `ports` are the others 127.0.0.1 reaches, in the order found. */
  | { kind: 'elsewhere'; ports: number[]; where: string }
  /** Not on the given port, and nowhere 127.0.0.1 reaches. */
  | { kind: 'elsewhere-unreachable'; where: string };

/** What the app's listeners say about the port it was given. Pure. */
export function whereItListens(listeners: readonly Listener[] | null, port: number): ListenVerdict {
  if (listeners === null) return { kind: 'unknown' };
  if (listeners.length === 0) return { kind: 'nowhere' };
  const where = listeners.map((l) => l.address).join(', ');
  const ours = listeners.filter((l) => l.port === port);
  if (ours.some(reachable)) return { kind: 'ours' };
  if (ours.length > 0) return { kind: 'ours-unreachable', where };
  const ports = [...new Set(listeners.filter(reachable).map((l) => l.port))];
  if (ports.length > 0) return { kind: 'elsewhere', ports, where };
  return { kind: 'elsewhere-unreachable', where };
}
