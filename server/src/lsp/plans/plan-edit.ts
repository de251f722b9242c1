/**
 * A rewrite plan as one LSP WorkspaceEdit: new migration files (and their marker and down files)
 * created and filled, edits to the current file (checked against its version), edits to other files
 * of the history (sqitch.plan). Needs a client that can create files (resourceOperations 'create').
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientCapabilities, CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RewritePlan } from '../../engine/index';
import type { TextEdit } from '../../engine/types';
import { toUri } from '../histories/workspace-histories';

/** True when the client applies documentChanges with CreateFile operations. */
export function canCreateFiles(capabilities: ClientCapabilities): boolean {
  const edit = capabilities.workspace?.workspaceEdit;
  return edit?.documentChanges === true && (edit.resourceOperations ?? []).includes('create');
}

export interface PlanEditContext {
  root: string;
  /** The current document, at the version the plan was made for. */
  doc: TextDocument;
  /** Open documents by URI: edits to them carry their version; others are read from disk. */
  openDocument(uri: string): TextDocument | undefined;
}

function lspEdits(doc: TextDocument, edits: readonly TextEdit[]) {
  return edits.map((e) => ({ range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) }, newText: e.newText }));
}

export function planWorkspaceEdit(plan: RewritePlan, ctx: PlanEditContext): WorkspaceEdit {
  const changes: (TextDocumentEdit | CreateFile)[] = [];
  const create = (path: string, content: string) => {
    const uri = toUri(join(ctx.root, path));
    // overwrite false: a file that appeared meanwhile makes the whole edit fail instead of being replaced.
    changes.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: content }] });
  };
  for (const file of [...plan.newFiles, ...plan.downFiles]) {
    create(file.path, file.content);
    for (const marker of file.markerFiles ?? []) create(marker.path, marker.content);
  }
  if (plan.edits.length > 0) changes.push({ textDocument: { uri: ctx.doc.uri, version: ctx.doc.version }, edits: lspEdits(ctx.doc, plan.edits) });
  for (const other of plan.otherEdits) {
    const uri = toUri(join(ctx.root, other.path));
    const open = ctx.openDocument(uri);
    const doc = open ?? TextDocument.create(uri, 'sql', 0, readText(join(ctx.root, other.path)));
    changes.push({ textDocument: { uri, version: open ? open.version : null }, edits: lspEdits(doc, other.edits) });
  }
  return { documentChanges: changes };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
