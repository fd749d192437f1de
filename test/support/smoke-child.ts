// A stand-in for the action's process, for the cancellation tests: starts a smoke test of BINARY and then
// `wait`s to be signalled, `exit`s mid-test, or lets it `finish`. Prints `FIXTURE <pid>` once the binary runs.
import { smokeBinary } from '../../src/smoke/healthz.js';
import { smokeOptions, processesMentioning } from './smoke-fixtures.js';

const [mode, binary] = process.argv.slice(2) as ['wait' | 'exit' | 'finish', string];

const running = smokeBinary(binary, undefined, smokeOptions({ readyTimeoutMs: 120_000 }));
if (mode === 'finish') {
  const result = await running;
  console.log(`RESULT ${result.status}`);
} else {
  let pids: number[] = [];
  for (let i = 0; i < 200 && pids.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    pids = processesMentioning(binary);
  }
  console.log(`FIXTURE ${pids.join(',')}`);
  if (mode === 'exit') process.exit(7);
  await running;
}
