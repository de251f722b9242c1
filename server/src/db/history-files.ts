/**
 * Reading a migration and its earlier migrations from disk for the dry run, with the engine's history
 * reader: it knows each framework's order (V2 before V10, timestamps, diesel folders) and which part
 * of a file runs on the way up (goose and dbmate keep the down part in the same file; running it in
 * the dry run would trace the wrong statements).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { loadHistory } from '../engine/history/load';
import type { History, Migration, MigrationSource } from '../engine/history/types';
import { decodeSource } from '../engine/source';
import type { HistoryFile } from './plan';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** A folder as the engine's MigrationSource: every file below it, '/'-separated relative paths. */
export function folderSource(root: string, recursive = true): MigrationSource {
  return {
    list(): string[] {
      const out: string[] = [];
      const walk = (rel: string): void => {
        for (const entry of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
          const path = rel ? `${rel}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            if (recursive && !SKIPPED_FOLDERS.has(entry.name)) walk(path);
          } else out.push(path);
        }
      };
      walk('');
      return out;
    },
    read(path: string): string | undefined {
      try {
        return decodeSource(readFileSync(join(root, path))).text;
      } catch {
        return undefined;
      }
    },
  };
}

export interface MigrationToTrace {
  /** The part of the file that runs on the way up (the whole file for most frameworks). */
  text: string;
  /** Earlier migrations in the order they apply (empty without a history folder). */
  history: HistoryFile[];
  /** The framework the folder was read as, when one was. */
  framework?: string;
}

/**
 * Reads `file` and, when `historyDir` is given, the migrations of that folder that apply before it
 * (all of them when the file is not one of the folder's migrations).
 */
export function readMigrationToTrace(file: string, historyDir?: string): MigrationToTrace {
  const whole = decodeSource(readFileSync(file)).text;
  const root = resolve(historyDir ?? join(file, '..'));
  // Without a history folder the file's own folder only tells which part of the file runs up
  // (goose, dbmate): its files are enough, and a walk of a large folder tree is not needed.
  const source = folderSource(root, historyDir !== undefined);
  let history: History;
  try {
    history = loadHistory(source);
  } catch {
    return { text: whole, history: [] };
  }
  const rel = relative(root, resolve(file)).split(sep).join('/');
  const index = history.migrations.findIndex((m) => m.path === rel);
  const text = index >= 0 ? sectionText(whole, history.migrations[index]) : whole;
  if (!historyDir) return { text, history: [], framework: history.framework };
  const earlier = index >= 0 ? history.migrations.slice(0, index) : history.migrations;
  const files: HistoryFile[] = [];
  for (const m of earlier) {
    const body = source.read(m.path);
    if (body !== undefined) files.push({ name: join(historyDir, m.path), text: sectionText(body, m) });
  }
  return { text, history: files, framework: history.framework };
}

/**
 * The migration's text with everything outside its up sections blanked (newlines kept), so that the
 * lines the dry run reports are the file's lines.
 */
function sectionText(text: string, migration: Migration): string {
  let out = '';
  let at = 0;
  for (const section of migration.sections) {
    out += text.slice(at, section.start).replace(/[^\n]/g, ' ') + text.slice(section.start, section.end);
    at = section.end;
  }
  return out + text.slice(at).replace(/[^\n]/g, ' ');
}
