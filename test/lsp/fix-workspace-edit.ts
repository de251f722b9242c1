/**
 * Applies an LSP WorkspaceEdit to files on disk the way an editor does: `changes`, or
 * `documentChanges` in order (CreateFile, RenameFile, DeleteFile, TextDocumentEdit), refusing a
 * versioned edit of a document whose open version differs and a create over an existing file unless
 * allowed. Keeps each file's text before the first edit and the edits made, so that a position of the
 * old text can be followed into the new one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateFile, DeleteFile, RenameFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** One batch of edits to a file, with the text they were applied to. */
export interface AppliedEdits {
  before: string;
  edits: TextEdit[];
}

export interface AppliedWorkspaceEdit {
  /** Files created, by path. */
  created: string[];
  /** Edits made to each file, by path, in order. */
  edited: Map<string, AppliedEdits[]>;
}

/** Applies the edit; `openVersion` gives the version of a document open in the editor (undefined: not open). */
export function applyWorkspaceEdit(edit: WorkspaceEdit, openVersion: (uri: string) => number | undefined): AppliedWorkspaceEdit {
  const out: AppliedWorkspaceEdit = { created: [], edited: new Map() };
  const editFile = (uri: string, edits: TextEdit[]) => {
    const path = fileURLToPath(uri);
    if (!existsSync(path)) throw new Error(`edit of ${path}, which does not exist`);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, TextDocument.applyEdits(TextDocument.create(uri, 'sql', 0, before), edits));
    out.edited.set(path, [...(out.edited.get(path) ?? []), { before, edits }]);
  };
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) editFile(uri, edits);
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) {
      const documentEdit = change as TextDocumentEdit;
      const { uri, version } = documentEdit.textDocument;
      const open = openVersion(uri);
      if (version !== null && version !== open) throw new Error(`edit of ${uri} version ${version}, but the editor has version ${open ?? 'none (not open)'}`);
      editFile(
        uri,
        documentEdit.edits.map((e) => {
          if (!('newText' in e)) throw new Error(`snippet edit of ${uri}: a plain client cannot apply it`);
          return { range: e.range, newText: e.newText };
        }),
      );
      continue;
    }
    switch (change.kind) {
      case 'create': {
        const { uri, options } = change as CreateFile;
        const path = fileURLToPath(uri);
        if (existsSync(path)) {
          if (options?.ignoreIfExists && !options.overwrite) continue;
          if (!options?.overwrite) throw new Error(`CreateFile ${path}: the file exists and overwrite is not set`);
        }
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '');
        out.created.push(path);
        break;
      }
      case 'rename': {
        const { oldUri, newUri, options } = change as RenameFile;
        const to = fileURLToPath(newUri);
        if (existsSync(to) && !options?.overwrite) {
          if (options?.ignoreIfExists) continue;
          throw new Error(`RenameFile to ${to}: the file exists and overwrite is not set`);
        }
        renameSync(fileURLToPath(oldUri), to);
        break;
      }
      case 'delete': {
        const { uri, options } = change as DeleteFile;
        rmSync(fileURLToPath(uri), { recursive: options?.recursive === true, force: options?.ignoreIfNotExists === true });
        break;
      }
      default:
        throw new Error(`unknown document change ${JSON.stringify(change)}`);
    }
  }
  return out;
}

/**
 * Where the old text's range [start, end) is after the edits (offsets, UTF-16): text an edit replaced
 * maps to the edit's new text, so a statement rewritten in place keeps a range over its new text.
 */
export function followRange(batches: readonly AppliedEdits[], start: number, end: number): { start: number; end: number } {
  let range = { start, end };
  for (const { before, edits } of batches) {
    const doc = TextDocument.create('file:///x', 'sql', 0, before);
    const spans = edits.map((e) => ({ from: doc.offsetAt(e.range.start), to: doc.offsetAt(e.range.end), length: e.newText.length })).sort((a, b) => a.from - b.from);
    // An insertion at either end of the range goes outside it (a SET before the statement, a clause after it).
    const map = (offset: number, side: 'start' | 'end') => {
      let shift = 0;
      for (const s of spans) {
        if (s.from === s.to) {
          if (s.from < offset || (s.from === offset && side === 'start')) shift += s.length;
          else break;
        } else if (s.to <= offset) shift += s.length - (s.to - s.from);
        else if (s.from < offset) return side === 'start' ? s.from + shift : s.from + shift + s.length;
        else break;
      }
      return offset + shift;
    };
    range = { start: map(range.start, 'start'), end: Math.max(map(range.start, 'start'), map(range.end, 'end')) };
  }
  return range;
}
