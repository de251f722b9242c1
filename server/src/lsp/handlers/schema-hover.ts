/**
 * Hover on a table or column name in a migration: what the schema model knows about it just before
 * that statement (type, nullability, default, constraints, indexes) and which migration last changed
 * it. The model comes from the history before the file, then the file's own earlier statements.
 */
import type { Hover } from 'vscode-languageserver/node';
import { COPY_DATA, SYNTAX_ERROR } from '../../engine/dialects/postgres/statement';
import { nameRange } from '../../engine/dialects/postgres/ranges';
import type { ColumnModel, MigrationRef, ParsedFile, SchemaModel, Statement, TableModel } from '../../engine/index';
import { escapeMarkdown, type HoverDocument } from './hover';

export interface SchemaHoverContext {
  /** The document's statements (the version being hovered). */
  parsed: ParsedFile;
  /** A fresh model of the schema before this file; the hover applies the file's earlier statements to it. */
  base: SchemaModel;
  /** This file as a migration of its history, so that its own changes name it. */
  migration?: MigrationRef;
  /** A link to a migration file of the history, when it can be opened. */
  linkFor?(ref: MigrationRef): string | undefined;
}

/** Columns listed in a table's hover before it says "and n more". */
const MAX_COLUMNS = 40;

export function hoverForSchema(context: SchemaHoverContext, offset: number, doc: HoverDocument): Hover | null {
  const stmt = context.parsed.statements.find((s) => s.range.start <= offset && offset <= s.range.end);
  if (!stmt || !stmt.node) return null;
  const token = stmt.codeTokens().find((t) => t.start <= offset && offset < t.end);
  if (!token || !isName(token.name)) return null;
  const name = identifier(token.text);

  const model = context.base;
  model.migration = context.migration;
  for (const earlier of context.parsed.statements) {
    if (earlier.index >= stmt.index) break;
    if (earlier.kind === SYNTAX_ERROR || (earlier.kind === COPY_DATA && earlier.error)) continue;
    model.apply(earlier, 'current-file');
  }

  const relations = relationsOf(stmt);
  const range = { start: doc.positionAt(token.start), end: doc.positionAt(token.end) };
  const named = relations.find((r) => r.range.start <= token.start && token.end <= r.range.end);
  if (named) {
    const table = model.table(named.key);
    return table ? { contents: markdown(describeTable(table, context)), range } : { contents: markdown(unknownTable(named.label)), range };
  }
  for (const r of relations) {
    const column = model.table(r.key)?.columns.get(name);
    if (column) return { contents: markdown(describeColumn(model.table(r.key)!, column, context)), range };
  }
  // A name the parse tree keeps without a location (DROP TABLE a, b): a known table of that name.
  const table = model.table(`public.${name}`) ?? [...model.tables.values()].find((t) => t.key.endsWith(`.${name}`));
  return table ? { contents: markdown(describeTable(table, context)), range } : null;
}

/** Joins two hovers for the same place (a finding's, then the schema's), keeping the first one's range. */
export function combineHovers(first: Hover | null, second: Hover | null): Hover | null {
  if (!first || !second) return first ?? second;
  const text = (h: Hover) => (typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : String(h.contents));
  return { contents: markdown(`${text(first)}\n\n---\n\n${text(second)}`), range: first.range ?? second.range };
}

function markdown(value: string): { kind: 'markdown'; value: string } {
  return { kind: 'markdown', value };
}

/** Identifiers and the keywords that may be names (`name`, `status`, `type` are unreserved). */
function isName(tokenName: string): boolean {
  return tokenName === 'IDENT' || /^[A-Z_]+$/.test(tokenName);
}

function identifier(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text.toLowerCase();
}

interface Relation {
  key: string;
  label: string;
  range: { start: number; end: number };
}

/** Every relation the statement names (target table, referenced tables, FROM items), with where it is written. */
function relationsOf(stmt: Statement): Relation[] {
  const out: Relation[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const object = node as Record<string, unknown>;
    // Typed fields hold a RangeVar without its node wrapper (`relation: { relname, location }`).
    if (typeof object.relname === 'string' && typeof object.location === 'number') {
      const schema = typeof object.schemaname === 'string' ? object.schemaname : undefined;
      out.push({ key: `${schema ?? 'public'}.${object.relname}`, label: schema ? `${schema}.${object.relname}` : object.relname, range: nameRange(stmt, object.location) });
    }
    for (const value of Object.values(object)) if (value !== null && typeof value === 'object') visit(value);
  };
  visit(stmt.node);
  return out;
}

function unknownTable(label: string): string {
  return `**${escapeMarkdown(label)}** · table\n\nNo earlier migration creates this table (or the model could not follow the one that does): it is treated as an existing table of unknown shape.`;
}

function describeTable(table: TableModel, context: SchemaHoverContext): string {
  const lines = [`**${escapeMarkdown(label(table.key))}** · ${table.partitioned ? 'partitioned table' : 'table'} · before this statement`];
  if (table.origin === 'current-file') lines.push('Created earlier in this file (new and empty).');
  const columns = [...table.columns.values()];
  if (columns.length) {
    const shown = columns.slice(0, MAX_COLUMNS).map((c) => `- \`${c.name}\` ${columnShape(c)}`);
    if (columns.length > MAX_COLUMNS) shown.push(`- … and ${columns.length - MAX_COLUMNS} more`);
    lines.push(shown.join('\n'));
  }
  const constraints = table.constraints.filter((c) => c.kind !== 'not-null').map(describeConstraint);
  if (constraints.length) lines.push(`Constraints: ${constraints.join(', ')}`);
  const indexes = table.indexes.map(describeIndex);
  if (indexes.length) lines.push(`Indexes: ${indexes.join(', ')}`);
  const by = changedBy(table.changedBy, context);
  if (by) lines.push(`Last changed by ${by}`);
  return lines.join('\n\n');
}

function describeColumn(table: TableModel, column: ColumnModel, context: SchemaHoverContext): string {
  const lines = [`**${escapeMarkdown(label(table.key))}.${escapeMarkdown(column.name)}** · column · before this statement`, columnShape(column)];
  if (column.origin === 'current-file') lines.push('Added earlier in this file.');
  const constraints = table.constraints.filter((c) => c.kind !== 'not-null' && c.columns.includes(column.name)).map(describeConstraint);
  if (constraints.length) lines.push(`Constraints: ${constraints.join(', ')}`);
  const indexes = table.indexes.filter((i) => i.columns.includes(column.name) || i.expressionColumns?.includes(column.name)).map(describeIndex);
  if (indexes.length) lines.push(`Indexes: ${indexes.join(', ')}`);
  const added = changedBy(column.addedBy, context);
  const changed = changedBy(column.changedBy, context);
  if (changed) lines.push(`Last changed by ${changed}` + (added && added !== changed ? ` (added by ${added})` : ''));
  else if (added) lines.push(`Added by ${added}`);
  return lines.join('\n\n');
}

/** `` `bigint` NOT NULL DEFAULT `now()` ``. */
function columnShape(c: ColumnModel): string {
  const parts = [`\`${c.type}\``, c.notNull ? 'NOT NULL' : 'nullable'];
  if (c.identity) parts.push(`identity (${c.identity})`);
  if (c.generated) parts.push(`generated (${c.generated.kind})`);
  if (c.default) parts.push(`DEFAULT \`${c.default.label}\``);
  else if (c.hasDefault) parts.push('with a DEFAULT');
  return parts.join(' · ');
}

const KIND_LABEL: Record<string, string> = { check: 'CHECK', unique: 'UNIQUE', 'primary-key': 'PRIMARY KEY', 'foreign-key': 'FOREIGN KEY', exclusion: 'EXCLUDE', 'not-null': 'NOT NULL' };

function describeConstraint(c: TableModel['constraints'][number]): string {
  const name = c.name ? `\`${c.name}\` ` : '';
  const target = c.kind === 'foreign-key' && c.references ? ` → ${escapeMarkdown(label(c.references))}` : '';
  return `${name}${KIND_LABEL[c.kind] ?? c.kind} (${c.columns.map(escapeMarkdown).join(', ')})${target}${c.validated ? '' : ' NOT VALID'}`;
}

function describeIndex(i: TableModel['indexes'][number]): string {
  const columns = i.columns.map((c) => (c === '' ? 'expression' : escapeMarkdown(c))).join(', ');
  return `${i.name ? `\`${i.name}\` ` : ''}${i.unique ? 'unique ' : ''}(${columns})${i.method ? ` using ${i.method}` : ''}${i.partial ? ' partial' : ''}`;
}

function changedBy(ref: MigrationRef | undefined, context: SchemaHoverContext): string | undefined {
  if (!ref) return undefined;
  if (context.migration && ref.path === context.migration.path) return 'an earlier statement of this file';
  // The path inside the history: a bare `up.sql` or `migration.sql` needs its folder to mean anything.
  const name = ref.path;
  const link = context.linkFor?.(ref);
  const shown = `${escapeMarkdown(name)}${ref.version && !name.includes(ref.version) ? ` (version ${escapeMarkdown(ref.version)})` : ''}`;
  return link ? `[${shown}](${link})` : shown;
}

function label(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}
