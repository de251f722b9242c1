/**
 * ALTER DOMAIN … ADD CONSTRAINT … CHECK → the same with NOT VALID (new values are checked at once, no
 * table using the domain is locked or scanned), then ALTER DOMAIN … VALIDATE CONSTRAINT in the next
 * migration. Unlike a table's VALIDATE, a domain's still holds a SHARE lock on every table using the
 * domain for its scan: the recipe moves that scan into a migration of its own, run at a quiet time
 * under a lock_timeout, rather than making it non-blocking.
 */
import type { Constraint } from '@pgsql/types';
import { stringList } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { quoteIdent } from '../sql';

export const domainConstraint: Generator = {
  rule: 'domain-constraint',
  draft({ stmt, ctx }) {
    // CREATE DOMAIN … CHECK is flagged too, but a new domain has no values to validate later.
    const alter = stmt.as('AlterDomainStmt');
    if (alter?.subtype !== 'C') return null;
    const constraint = (alter.def as { Constraint?: Constraint } | undefined)?.Constraint;
    // Only CHECK takes NOT VALID on a domain; VALIDATE needs the name, and PostgreSQL's generated one is not worth guessing.
    if (!constraint || constraint.skip_validation || constraint.contype !== 'CONSTR_CHECK' || !constraint.conname) return null;
    const names = stringList(alter.typeName);
    const domain = names.join('.');
    const domainSql = names.map(quoteIdent).join('.');
    const name = constraint.conname;
    // NOT VALID is the domain constraint's last clause: it goes after the statement's last token, before the `;`.
    const last = stmt.codeTokens().at(-1);
    if (!last) return null;
    const tables = `every table using ${domain}`;
    const validateLock = describeLock('ShareLock', tables);
    // The lock-timeout rule does not see a domain's table locks, so the step sets its own; SET LOCAL
    // where the framework runs the step in a transaction (plain files may run statement by statement).
    const setTimeout = `SET${ctx.history.framework === 'plain' ? '' : ' LOCAL'} lock_timeout = '2s';`;
    return {
      title: `Add ${name} NOT VALID now and validate it in the next migration`,
      edits: [{ range: { start: last.end, end: last.end }, newText: ' NOT VALID' }],
      steps: [
        {
          name: `validate ${name}`,
          up: [
            `-- Checks the existing values of ${domain}, holding a SHARE lock (writes wait) on every table using it: run at a quiet time.`,
            setTimeout,
            `ALTER DOMAIN ${domainSql} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
          ].join('\n'),
          down: '-- Nothing to undo: VALIDATE changes no definition.',
          nonTransactional: false,
        },
      ],
      phases: [
        {
          name: 'constrain',
          step: 'current',
          summary: `ADD CONSTRAINT ${name} … NOT VALID: new and updated values of ${domain} are checked from now on; existing ones are not scanned.`,
          lock: `no lock on the tables using ${domain}: only the domain's definition changes, no values are checked`,
        },
        {
          name: 'validate',
          step: 0,
          summary: `VALIDATE CONSTRAINT ${name} checks the existing values of ${domain} in every table using it.`,
          lock: `${validateLock}, for a full scan of each of those tables`,
        },
      ],
      notes: [
        `ALTER DOMAIN … VALIDATE CONSTRAINT still takes a ${validateLock}, while it scans them (a table's VALIDATE takes only SHARE UPDATE EXCLUSIVE). The plan does not make the scan non-blocking: it moves it into a migration of its own, to run at a quiet time; the step's lock_timeout makes it give up rather than queue writes behind a long-running query.`,
        `If existing values break ${name}, the VALIDATE step fails and changes nothing: fix those rows and run it again.`,
      ],
    };
  },
};
