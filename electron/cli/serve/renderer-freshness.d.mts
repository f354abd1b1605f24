export function newestMtime(path: string): number;
export function rendererSources(root: string): string[];
export function rendererOutdated(root: string, index: string): boolean;
