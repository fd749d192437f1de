// What the action asks of its service worker (dist/services.js) and what the worker reports back. The worker is a
// separate process so that a call to GitHub's cache or artifact service that hangs can be ended whole, sockets,
// tar and zstd included, when its deadline passes: nothing of it keeps the action alive or writes into
// GOMODCACHE/GOCACHE after the action has moved on. Pure types and parsing, shared by both sides.

export interface UploadSpec {
  name: string;
  /** Absolute paths. */
  files: string[];
  compressionLevel: number;
}

/** An artifact of this workflow run as ListArtifacts gives it. */
export interface ListedArtifactInfo {
  name: string;
  id: number;
  size: number;
  /** The digest the service recorded for the uploaded zip, when it recorded one. */
  digest?: string;
}

export interface DownloadSpec {
  id: number;
  name: string;
  /** The digest recorded at upload: the client checks the downloaded bytes against it. */
  digest: string;
  /** Folder the zip is written to, as it was uploaded (not extracted). */
  path: string;
}

export type ServiceRequest =
  | { op: 'cache-restore'; paths: string[]; key: string; restoreKeys: string[] }
  | { op: 'list-artifacts' }
  | { op: 'download'; downloads: DownloadSpec[] }
  | { op: 'cache-save'; paths: string[]; key: string }
  | {
      op: 'upload';
      uploads: UploadSpec[];
      rootDirectory: string;
      retentionDays?: number;
      /** Delete an artifact of the same name in this run before uploading (a re-run's earlier attempt). */
      overwrite: boolean;
    };

/** One line of the worker's report file. */
export type ServiceEvent =
  | { type: 'cache-unavailable' }
  | { type: 'restored'; matchedKey: string | null }
  | { type: 'saved'; cacheId: number }
  | { type: 'deleted'; name: string; id: number }
  | { type: 'uploaded'; name: string; id?: number; size?: number; digest?: string }
  | { type: 'upload-failed'; name: string; message: string }
  | { type: 'listed'; artifacts: ListedArtifactInfo[] }
  | { type: 'downloaded'; id: number; digestMismatch: boolean }
  | { type: 'download-failed'; id: number; message: string }
  | { type: 'error'; message: string };

/** The events of a report file, one JSON object a line; a line cut short by a killed worker is left out. Pure. */
export function parseEvents(text: string): ServiceEvent[] {
  const events: ServiceEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { type?: unknown }).type === 'string'
      ) {
        events.push(value as ServiceEvent);
      }
    } catch {
      // The last line of a worker killed while writing it.
    }
  }
  return events;
}

export type AnnotationLevel = 'notice' | 'warning' | 'error';

export interface WorkflowAnnotation {
  level: AnnotationLevel;
  message: string;
}

const ANNOTATION = /^::(notice|warning|error)(?: [^:]*)?::(.*)$/;

/** The annotation a log line carries (`::warning::…`), decoded; null for any other line. Pure. */
export function parseAnnotationLine(line: string): WorkflowAnnotation | null {
  const match = ANNOTATION.exec(line.replace(/\r$/, ''));
  if (!match) return null;
  const message = match[2]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { level: match[1] as AnnotationLevel, message };
}
