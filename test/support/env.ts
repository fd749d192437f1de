// Changing process.env for one test and putting back exactly what was there (unset stays unset): the way inputs,
// runner variables and service URLs reach the code under test, as on a runner.

function restore(saved: Map<string, string | undefined>): void {
  for (const [name, value] of saved) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
}

/** Saves the named variables; the returned function puts them back. */
export function saveEnv(names: Iterable<string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const name of names) saved.set(name, process.env[name]);
  return () => restore(saved);
}

/** Sets (string) or removes (undefined) variables; the returned function puts back what was there. */
export function applyEnv(vars: Record<string, string | undefined>): () => void {
  const undo = saveEnv(Object.keys(vars));
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
  return undo;
}
