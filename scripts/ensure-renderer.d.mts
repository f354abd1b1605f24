export function ensureRenderer(root?: string, log?: (line: string) => void): Promise<{ dir: string; built: boolean }>;
