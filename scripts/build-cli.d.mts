import type { BuildOptions } from 'esbuild';

export function buildCli(outdir: string, options: BuildOptions): Promise<string>;
