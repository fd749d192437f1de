// cgo-audit: before the build, which dependencies have cgo files, and what a build with cgo off makes of them.
import { oneOf } from './read.js';

export type CgoAuditMode = 'warn' | 'error' | 'off';

export interface CgoInputs {
  cgoAudit: CgoAuditMode;
}

export function readCgoInputs(): CgoInputs {
  return { cgoAudit: oneOf('cgo-audit', ['warn', 'error', 'off'] as const) };
}
