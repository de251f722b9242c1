/**
 * ALTER DOMAIN … ADD CONSTRAINT checks every column of the domain in every table that uses it, holding
 * a SHARE lock (writes stop) on each of those tables for its full scan. NOT VALID skips the check of
 * existing rows. A CHECK written into CREATE DOMAIN costs nothing now, but every later change to it is
 * such an ALTER DOMAIN: column CHECK constraints can be changed per table, online.
 */
import { qualifiedKey, stringList } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { fromPreviousTokenRange, parenthesizedClauseRange } from './helpers/statement-spans';

export default defineRule({
  id: 'domain-constraint',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ALTER DOMAIN … ADD CONSTRAINT scans every table using the domain under a SHARE lock; CREATE DOMAIN … CHECK sets that up.',
    messages: {
      addConstraint:
        'ALTER DOMAIN {{domain}} ADD CONSTRAINT checks every existing value: it takes a {{lock}}, for a full scan of each of those tables.',
      createWithCheck:
        'Domain {{domain}} has a CHECK constraint: changing it later takes an ALTER DOMAIN … ADD CONSTRAINT, and that holds a {{lock}}, for a full scan of each of those tables.',
    },
    help: 'Add domain constraints as NOT VALID (existing rows are not checked) and VALIDATE them in a separate migration at a quiet time, or put CHECK constraints on the columns instead, where ADD CONSTRAINT … NOT VALID and VALIDATE work per table without blocking writes.',
    fix: 'suggestion',
  },
  check(ctx) {
    // Domains created earlier in this file: no table that existed before the file can use them.
    const newDomains = new Set<string>();
    return {
      CreateDomainStmt(create, stmt) {
        const names = stringList(create.domainname);
        newDomains.add(qualifiedKey(names));
        for (const c of create.constraints ?? []) {
          const constraint = (c as { Constraint?: { contype?: string; location?: number } }).Constraint;
          if (constraint?.contype !== 'CONSTR_CHECK') continue;
          const domain = names.join('.');
          const data = { domain, lock: describeLock('ShareLock', `every table using ${domain}`) };
          ctx.report({ stmt, range: parenthesizedClauseRange(stmt, constraint.location), messageId: 'createWithCheck', data });
        }
      },
      AlterDomainStmt(alter, stmt) {
        if (alter.subtype !== 'C') return; // 'C' is ADD CONSTRAINT
        const names = stringList(alter.typeName);
        if (newDomains.has(qualifiedKey(names))) return;
        const constraint = (alter.def as { Constraint?: { skip_validation?: boolean; location?: number } } | undefined)?.Constraint;
        if (!constraint || constraint.skip_validation) return;
        const domain = names.join('.');
        const data = { domain, lock: describeLock('ShareLock', `every table using ${domain}`) };
        ctx.report({ stmt, range: fromPreviousTokenRange(stmt, constraint.location), messageId: 'addConstraint', data });
      },
    };
  },
});
