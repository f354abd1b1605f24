// The registry of `topolens` commands: one export line per command, each from its own
// file (commands/<name>.ts implementing Command). main.ts lists them sorted by name.
// Keep command modules light: this file loads all of them on every run.
export { advise } from './advise';
export { capture } from './capture';
export { check } from './check';
export { diff } from './diff';
export { exportCommand } from './export';
export { fleet } from './fleet';
export { matrix } from './matrix';
export { serve } from './serve';
export { show } from './show';
