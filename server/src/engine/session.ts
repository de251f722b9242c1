/**
 * What the migration's own statements do to its session: explicit transactions (BEGIN … COMMIT) and
 * settings such as lock_timeout. The linter updates this state after each statement.
 */
import type { Node, VariableSetStmt } from '@pgsql/types';
import type { Statement } from './dialects/postgres/statement';
import { funcName, walk } from './dialects/postgres/ast';
import type { TransactionState } from './rules/define';

export class SessionState {
  readonly transaction: TransactionState;
  private readonly settings = new Map<string, string>();
  /** SET LOCAL values, dropped at the end of the explicit transaction. */
  private readonly localSettings = new Map<string, string>();

  constructor(wrapped: boolean, configured: Record<string, string | undefined>) {
    this.transaction = { explicit: false, wrapped };
    for (const [name, value] of Object.entries(configured)) if (value !== undefined) this.settings.set(name, value);
  }

  setting(name: string): string | undefined {
    const value = this.localSettings.get(name) ?? this.settings.get(name);
    // 0 disables a timeout: the same as not setting it.
    return value === undefined || /^0+(ms|s|min)?$/i.test(value.trim()) ? undefined : value;
  }

  inTransaction(): boolean {
    return this.transaction.explicit || this.transaction.wrapped;
  }

  /** Updates the state with the effect of a statement (called after the rules have seen it). */
  apply(stmt: Statement): void {
    const tx = stmt.as('TransactionStmt');
    if (tx) {
      switch (tx.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START':
          this.transaction.explicit = true;
          this.transaction.begin = stmt;
          break;
        case 'TRANS_STMT_COMMIT':
        case 'TRANS_STMT_ROLLBACK':
        case 'TRANS_STMT_PREPARE':
          this.transaction.explicit = false;
          this.transaction.begin = undefined;
          this.localSettings.clear();
          break;
        default:
          break;
      }
      return;
    }
    const set = stmt.as('VariableSetStmt');
    if (set) {
      this.applySet(set);
      return;
    }
    if (stmt.kind === 'SelectStmt') this.applySetConfigCalls(stmt.node);
  }

  private applySet(set: VariableSetStmt): void {
    const name = set.name?.toLowerCase();
    if (set.kind === 'VAR_RESET_ALL') {
      this.settings.clear();
      this.localSettings.clear();
      return;
    }
    if (!name) return;
    if (set.kind === 'VAR_RESET' || set.kind === 'VAR_SET_DEFAULT') {
      this.settings.delete(name);
      this.localSettings.delete(name);
      return;
    }
    if (set.kind !== 'VAR_SET_VALUE') return;
    const value = constText(set.args?.[0]);
    if (value === undefined) return;
    // SET LOCAL outside a transaction is ignored by PostgreSQL (with a warning): it sets nothing.
    if (set.is_local) {
      if (this.inTransaction()) this.localSettings.set(name, value);
    } else this.settings.set(name, value);
  }

  /** `SELECT set_config('lock_timeout', '2s', false)` */
  private applySetConfigCalls(node: Node | undefined): void {
    walk(node, (kind, payload) => {
      if (kind !== 'FuncCall') return;
      const call = payload as { funcname?: Node[]; args?: Node[] };
      if (funcName(call.funcname) !== 'set_config') return;
      const name = constText(call.args?.[0]);
      const value = constText(call.args?.[1]);
      if (name && value !== undefined) this.settings.set(name.toLowerCase(), value);
    });
  }
}

/** The text of a string or integer constant node. */
export function constText(node: Node | undefined): string | undefined {
  const c = (node as { A_Const?: { sval?: { sval?: string }; ival?: { ival?: number } } } | undefined)?.A_Const;
  if (!c) return undefined;
  if (c.sval) return c.sval.sval ?? '';
  if (c.ival) return String(c.ival.ival ?? 0);
  return undefined;
}
