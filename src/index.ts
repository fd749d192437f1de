// The file action.yml runs. Source maps must be on before the code they map is loaded, so the action itself is a
// separate bundle (dist/run.js) loaded after: stack traces then name src/ files and lines, not bundle offsets.
process.setSourceMapsEnabled(true);
await import('./run.js');
