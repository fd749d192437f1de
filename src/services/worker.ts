// The service worker (bundled as dist/services.js): performs one request of the action against GitHub's cache or
// artifact service and appends what happened to a report file, one JSON event a line. Its log lines go to the
// action, which passes them on. Started by src/services/client.ts only.
//
//   node dist/services.js <request file (JSON)> <report file>
import * as fs from 'node:fs';
import { restoreInWorker, saveInWorker } from '../go/cache-service.js';
import { downloadInWorker, listInWorker } from '../matrix/service.js';
import { uploadInWorker } from '../upload/service.js';
import type { ServiceEvent, ServiceRequest } from './protocol.js';

// A keep-alive socket or a retry timer of a client library must not hold the worker after its work is done.
const LINGER_MS = 2_000;

const [requestFile = '', reportFile = ''] = process.argv.slice(2);

function report(event: ServiceEvent): void {
  // Synchronous, so that an event is on disk before the next step can hang.
  fs.appendFileSync(reportFile, `${JSON.stringify(event)}\n`);
}

async function perform(request: ServiceRequest): Promise<void> {
  switch (request.op) {
    case 'cache-restore':
      return restoreInWorker(request.paths, request.key, request.restoreKeys, report);
    case 'cache-save':
      return saveInWorker(request.paths, request.key, report);
    case 'list-artifacts':
      return listInWorker(report);
    case 'download':
      return downloadInWorker(request.downloads, report);
    case 'upload':
      return uploadInWorker(
        request.uploads,
        request.rootDirectory,
        request.retentionDays,
        request.overwrite,
        report,
      );
  }
}

try {
  await perform(JSON.parse(fs.readFileSync(requestFile, 'utf8')) as ServiceRequest);
} catch (error) {
  report({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
setTimeout(() => process.exit(), LINGER_MS).unref();
