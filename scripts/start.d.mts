// Types for what tests import from scripts/start.mjs.
/** The Electron binary, found without side effects; `why` says what is missing. */
export function electronBinary(): { path: string | null; why: string };
