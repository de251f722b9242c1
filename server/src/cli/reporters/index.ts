/** The report formats by name, as `--format` accepts them. */
import { githubReporter } from './github';
import { jsonReporter } from './json';
import { sarifReporter } from './sarif';
import { textReporter } from './text';
import type { Reporter } from './types';

export const REPORTERS = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
} satisfies Record<string, Reporter>;

export type FormatName = keyof typeof REPORTERS;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(REPORTERS, name);
}

export type { LintReport, Reporter, ReporterOptions } from './types';
