/** A rewrite plan as markdown for the preview: phases in order with deploys between them, files, notes. */
import type { NewMigrationFile, RewritePlan } from '../../engine/index';

function fence(content: string, language: string): string {
  // A fence longer than any backtick run inside keeps the file's own text intact.
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${content.endsWith('\n') ? content : `${content}\n`}${ticks}`;
}

function languageOf(path: string): string {
  return path.endsWith('.sql') ? 'sql' : path.endsWith('.toml') ? 'toml' : '';
}

function fileSection(file: NewMigrationFile, label: string): string[] {
  const lines = [`### ${label}: \`${file.path}\`${file.nonTransactional ? ' (runs outside a transaction)' : ''}`, '', fence(file.content, languageOf(file.path)), ''];
  for (const marker of file.markerFiles ?? []) lines.push(`Beside it, \`${marker.path}\`:`, '', fence(marker.content, languageOf(marker.path)), '');
  return lines;
}

export function planMarkdown(plan: RewritePlan, currentPath: string): string {
  const lines = [`# ${plan.title}`, '', `Rewrites the \`${plan.rule}\` finding in \`${currentPath}\`.`, '', '## Steps', ''];
  plan.phases.forEach((phase, i) => {
    if (phase.deployBefore) lines.push(`**Deploy first:** ${phase.deployBefore}`, '');
    lines.push(`${i + 1}. **${phase.name}** in \`${phase.path}\`: ${phase.summary}`, `   - Lock: ${phase.lock}`, '');
  });
  lines.push('## Files', '');
  for (const file of plan.newFiles) lines.push(...fileSection(file, 'New migration'));
  for (const file of plan.downFiles) lines.push(...fileSection(file, 'New down migration'));
  if (plan.edits.length > 0) {
    lines.push(`### Changed: \`${currentPath}\``, '');
    for (const edit of plan.edits) lines.push(edit.newText === '' ? '- a statement is removed' : `- text is replaced with:`, ...(edit.newText === '' ? [] : ['', fence(edit.newText, 'sql')]), '');
  }
  for (const other of plan.otherEdits) lines.push(`### Changed: \`${other.path}\``, '', ...other.edits.map((e) => `- adds or changes: \`${e.newText.trim()}\``), '');
  if (plan.notes.length > 0) lines.push('## Notes', '', ...plan.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
