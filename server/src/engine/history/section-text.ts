/** A migration's sections inside its file. */
import type { Migration } from './types';

/**
 * Text of the migration with everything outside its sections blanked (newlines kept), so that
 * offsets, lines and columns stay those of the file.
 */
export function sectionText(text: string, migration: Migration): string {
  const whole = migration.sections.length === 1 && migration.sections[0].start === 0 && migration.sections[0].end === text.length;
  if (whole) return text;
  const parts: string[] = [];
  let at = 0;
  for (const s of migration.sections) {
    parts.push(text.slice(at, s.start).replace(/[^\n]/g, ' '), text.slice(s.start, s.end));
    at = s.end;
  }
  parts.push(text.slice(at).replace(/[^\n]/g, ' '));
  return parts.join('');
}
