// No dependencies, so it runs from source: writes GITHUB_OUTPUT and workflow commands the way @actions/core does.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

function setOutput(name, value) {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  fs.appendFileSync(process.env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

// Names only: on GitHub these include the runtime token.
const seen = Object.keys(process.env)
  .filter((name) => /^(ACTIONS_|RUNNER_)/.test(name))
  .sort();
console.log(`act-probe: node ${process.version} at ${process.execPath}`);
console.log(`act-probe: workspace ${process.env.GITHUB_WORKSPACE}`);
for (const name of seen) console.log(`act-probe: env ${name} is set`);
setOutput('node-version', process.version);
setOutput('message', process.env.INPUT_MESSAGE ?? '');
setOutput('env-names', JSON.stringify(seen));
setOutput('tool-cache', process.env.RUNNER_TOOL_CACHE ?? '');
if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### act-probe\n');
if (process.env.INPUT_FAIL === 'true') {
  console.log('::error title=act-probe::act-probe failed on purpose');
  process.exitCode = 1;
}
