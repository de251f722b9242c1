/** What every report format receives: the linted files in order, each with its located findings. */
import type { FileResult } from '../../node/lint-files';

export type { FileResult, LocatedFinding } from '../../node/lint-files';

export interface LintReport {
  /** Every file checked, in the order it was linted (files without findings included). */
  files: FileResult[];
}

export interface ReporterOptions {
  /** Colour the text output (stdout is a terminal and NO_COLOR is not set). */
  color: boolean;
  /** The folder relative paths are relative to (SARIF's %SRCROOT%). */
  cwd: string;
  /** The tool's version, for SARIF. */
  version: string;
}

/** Renders a whole report as one string, written to stdout in one go. */
export type Reporter = (report: LintReport, options: ReporterOptions) => string;
