/** Safe Migrations: Restart Server. */
import { window } from 'vscode';
import type { Ctx } from '../ctx';

export function restartServer(ctx: Ctx): () => Promise<void> {
  return async () => {
    try {
      await ctx.restart();
    } catch (error) {
      void window.showErrorMessage(`Safe Migrations: the language server did not restart: ${(error as Error).message}`);
    }
  };
}
