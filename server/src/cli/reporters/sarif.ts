/**
 * SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) read. Regions use SARIF's default
 * column kind, UTF-16 code units, with an exclusive end column: exactly the engine's positions.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { RULES_BY_ID, type Severity } from '../../engine/index';
import { ruleDocMarkdown, ruleDocUrl } from './rule-docs';
import type { Reporter } from './types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export const sarifReporter: Reporter = (report, options) => {
  // Only the rules that produced results, in registry order, so that ruleIndex is stable per run.
  const used = new Set(report.files.flatMap((f) => f.findings.map((x) => x.rule)));
  const ruleIds = [...RULES_BY_ID.keys()].filter((id) => used.has(id));
  for (const id of used) if (!RULES_BY_ID.has(id)) ruleIds.push(id);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const results = report.files.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: f.help ? `${f.message} ${f.help}` : f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(file),
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      properties: { severity: f.severity },
    })),
  );

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'safe-migrations',
            version: options.version,
            semanticVersion: options.version,
            rules: ruleIds.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(options.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function ruleDescriptor(id: string) {
  const rule = RULES_BY_ID.get(id);
  if (!rule) return { id, shortDescription: { text: id } };
  const markdown = ruleDocMarkdown(id);
  const helpUri = ruleDocUrl(id);
  return {
    id,
    name: camelName(id),
    shortDescription: { text: rule.meta.summary },
    // A help text with {{placeholders}} only makes sense filled in per finding (results carry it).
    help: { text: rule.meta.help.includes('{{') ? rule.meta.summary : rule.meta.help, ...(markdown ? { markdown } : {}) },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: rule.meta.severity === 'off' ? { enabled: false } : { level: LEVEL[rule.meta.severity] },
    properties: { category: rule.meta.category, fix: rule.meta.fix, tags: [rule.meta.category] },
  };
}

/** SARIF's `name` is an identifier-like form of the id: create-index-concurrently → CreateIndexConcurrently. */
function camelName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash, c: string) => c.toUpperCase());
}
