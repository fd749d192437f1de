import { createRequire as __ginReleaseCreateRequire } from 'node:module';
const require = __ginReleaseCreateRequire(import.meta.url);

// src/local/cli.ts
import { spawn, spawnSync } from "node:child_process";
import * as fs2 from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// src/local/action-yml.ts
import * as fs from "node:fs";
function blockBetween(text, start, end) {
  const afterStart = text.split(new RegExp(`^${start}:\\s*$`, "m"))[1] ?? "";
  return end ? afterStart.split(new RegExp(`^${end}:\\s*$`, "m"))[0] ?? "" : afterStart;
}
function unquote(value) {
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(value)) return JSON.parse(value);
  return value;
}
function readScalar(lines, index, inline, indent) {
  const style = inline.trim();
  if (style !== "|" && style !== ">-" && style !== ">" && style !== "|-") return [unquote(style), index];
  const block = [];
  let i = index;
  const prefix = " ".repeat(indent);
  while (i + 1 < lines.length && (lines[i + 1].startsWith(prefix) || lines[i + 1].trim() === "")) {
    block.push(lines[++i].slice(indent));
  }
  while (block.length > 0 && block[block.length - 1].trim() === "") block.pop();
  if (style.startsWith("|")) return [block.join("\n") + (style === "|" ? "\n" : ""), i];
  return [block.join(" ").replace(/\s+/g, " ").trim(), i];
}
function parseFields(block) {
  const fields = [];
  const lines = block.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) {
      fields.push({ name: name[1], description: "" });
      continue;
    }
    const prop = /^ {4}(description|default):(.*)$/.exec(line);
    const field = fields[fields.length - 1];
    if (prop && field) {
      const [value, last] = readScalar(lines, i, prop[2], 6);
      i = last;
      if (prop[1] === "description") field.description = value;
      else field.default = value;
    }
  }
  return fields;
}
function parseActionYml(text) {
  return {
    inputs: parseFields(blockBetween(text, "inputs", "outputs")),
    outputs: parseFields(blockBetween(text, "outputs", "runs"))
  };
}
function readActionYml(file) {
  return parseActionYml(fs.readFileSync(file, "utf8"));
}
function inputEnvName(input) {
  return `INPUT_${input.replace(/ /g, "_").toUpperCase()}`;
}

// src/local/output-file.ts
function parseOutputFile(text) {
  const lines = text.split("\n");
  const outputs = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value = [];
      while (i + 1 < lines.length && lines[i + 1] !== heredoc[2]) value.push(lines[++i]);
      i++;
      outputs.push([heredoc[1], value.join("\n")]);
    } else if (line.includes("=")) {
      outputs.push([line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]);
    }
  }
  return outputs;
}

// src/local/cli.ts
var here = path.dirname(fileURLToPath(import.meta.url));
var actionRoot = path.resolve(here, "..");
function usage(inputNames) {
  return [
    "usage: node dist/local.js [DIR] [--<input> <value> ...] [--keep]",
    "",
    "Runs gin-release on DIR (default: the current folder) as a GitHub runner would.",
    'Inputs are action.yml inputs, e.g. --targets "linux/amd64,linux/arm64" --smoke-test false.',
    "--keep keeps the temporary runner folder (tool cache, outputs, summary).",
    "",
    `inputs: ${inputNames.join(", ")}`
  ].join("\n");
}
function parseArgs(argv, inputNames) {
  const inputs = /* @__PURE__ */ new Map();
  let directory = ".";
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(usage([...inputNames]));
      process.exit(0);
    }
    if (arg === "--keep") {
      keep = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!inputNames.has(name))
        throw new Error(`unknown input --${name}; known inputs: ${[...inputNames].join(", ")}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === void 0) throw new Error(`--${name} needs a value`);
      inputs.set(name, value);
      continue;
    }
    directory = arg;
  }
  return { directory: path.resolve(directory), inputs, keep };
}
function gitValue(args, cwd) {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}
async function main() {
  const contract = readActionYml(path.join(actionRoot, "action.yml"));
  const inputNames = new Set(contract.inputs.map((input) => input.name));
  const args = parseArgs(process.argv.slice(2), inputNames);
  if (!fs2.existsSync(args.directory)) throw new Error(`no such folder: ${args.directory}`);
  const runnerRoot = fs2.mkdtempSync(path.join(os.tmpdir(), "gin-release-local-"));
  const dirs = {
    temp: path.join(runnerRoot, "temp"),
    toolCache: path.join(
      process.env["GIN_RELEASE_TOOL_CACHE"] ?? path.join(os.homedir(), ".cache", "gin-release", "tool-cache")
    )
  };
  fs2.mkdirSync(dirs.temp, { recursive: true });
  fs2.mkdirSync(dirs.toolCache, { recursive: true });
  const outputFile = path.join(runnerRoot, "output");
  const summaryFile = path.join(runnerRoot, "summary.md");
  const envFile = path.join(runnerRoot, "env");
  const pathFile = path.join(runnerRoot, "path");
  for (const file of [outputFile, summaryFile, envFile, pathFile]) fs2.writeFileSync(file, "");
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("INPUT_") || key.startsWith("ACTIONS_") || key.startsWith("GITHUB_")) delete env[key];
  }
  const sha = gitValue(["rev-parse", "HEAD"], args.directory);
  const ref = gitValue(["symbolic-ref", "-q", "HEAD"], args.directory);
  Object.assign(env, {
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_WORKSPACE: args.directory,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: envFile,
    GITHUB_PATH: pathFile,
    GITHUB_JOB: "local",
    GITHUB_RUN_ID: "1",
    GITHUB_REPOSITORY: "local/" + path.basename(args.directory),
    GITHUB_SERVER_URL: "https://github.com",
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_OS: { linux: "Linux", darwin: "macOS", win32: "Windows" }[process.platform] ?? process.platform,
    RUNNER_ARCH: { x64: "X64", arm64: "ARM64", arm: "ARM", ia32: "X86" }[process.arch] ?? process.arch
  });
  if (sha) env["GITHUB_SHA"] = sha;
  if (ref) env["GITHUB_REF"] = ref;
  for (const input of contract.inputs)
    env[inputEnvName(input.name)] = args.inputs.get(input.name) ?? input.default ?? "";
  console.log(`gin-release (local run) on ${args.directory}`);
  console.log(`runner folder: ${runnerRoot}
`);
  const code = await new Promise((resolve2) => {
    const child = spawn(process.execPath, [path.join(actionRoot, "dist", "index.js")], {
      cwd: args.directory,
      env,
      stdio: "inherit"
    });
    const forward = (signal) => {
      child.kill(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (exitCode, signal) => resolve2(exitCode ?? (signal ? 128 : 1)));
  });
  console.log("\n=== outputs ===");
  for (const [name, value] of parseOutputFile(fs2.readFileSync(outputFile, "utf8"))) {
    if (name === "artifacts" || name === "image-metadata") {
      try {
        console.log(`${name}:
${JSON.stringify(JSON.parse(value), null, 2)}`);
        continue;
      } catch {
      }
    }
    console.log(`${name}: ${value}`);
  }
  console.log("\n=== job summary ===");
  console.log(fs2.readFileSync(summaryFile, "utf8") || "(empty)");
  console.log(`
exit code: ${code}`);
  if (!args.keep) fs2.rmSync(runnerRoot, { recursive: true, force: true });
  return code;
}
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`gin-release local: ${error.message}`);
    process.exit(2);
  }
);
//# sourceMappingURL=local.js.map
