/** VS Code entry point: everything the extension owns lives in Ctx. */
import type { ExtensionContext } from 'vscode';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  ctx = new Ctx(context);
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}
