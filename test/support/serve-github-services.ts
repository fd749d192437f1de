// Serves the fake artifact and cache services (and Azurite behind them) on 127.0.0.1 until SIGTERM/SIGINT, so a
// workflow run (act) can point its steps at them. Prints the URLs and the environment to give the steps.
//
//   node --import tsx test/support/serve-github-services.ts [--port 8765] [--blob-port 10000] [--cache v1|v2]
import { parseArgs } from 'node:util';
import { startGithubServices } from './github-services.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'blob-port': { type: 'string', default: '0' },
    cache: { type: 'string', default: 'v2' },
  },
});
const cacheProtocol = values.cache === 'v1' ? 'v1' : 'v2';
const services = await startGithubServices({
  port: Number(values.port),
  blobPort: Number(values['blob-port']),
});
const env = services.env(cacheProtocol);

console.log(`results service (artifacts, cache v2, cache v1): ${services.url}`);
console.log(`blob store (Azurite): ${services.azurite.accountUrl}`);
console.log('environment for the steps:');
for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
// One machine-readable line for scripts: everything above as JSON.
console.log(`JSON ${JSON.stringify({ url: services.url, blobUrl: services.azurite.accountUrl, env })}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await services.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
