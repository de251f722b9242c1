/**
 * Lays out new migration steps the way the history's framework names and runs them: the next version
 * or timestamp after the newest migration, the file (or folder) name with a descriptive slug, up/down
 * sections or files, and the framework's own way of saying "run this outside a transaction".
 */
import { parseFile } from '../dialects/postgres/statement';
import { dirname } from '../history/layouts/layout';
import type { FrameworkId, History, Migration } from '../history/types';
import { compareVersions } from '../history/version';
import type { TextEdit } from '../types';
import type { FileEdits, MigrationStep, NewMigrationFile, PlanContext } from './types';

export interface LaidOutSteps {
  newFiles: NewMigrationFile[];
  downFiles: NewMigrationFile[];
  /** Edits to the current file (Liquibase: new changesets go right after the current one). */
  edits: TextEdit[];
  otherEdits: FileEdits[];
  notes: string[];
  /** Where each step ended up, in step order (for the plan's phases). */
  paths: string[];
}

/** `Add index users(email)` → `add_index_users_email`. */
export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'migration'
  );
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function timestampParts(date: Date): string[] {
  return [String(date.getUTCFullYear()), pad2(date.getUTCMonth() + 1), pad2(date.getUTCDate()), pad2(date.getUTCHours()) + pad2(date.getUTCMinutes()) + pad2(date.getUTCSeconds())];
}

/** Adds 1 to a decimal string of any length. */
function increment(digits: string, by: number): string {
  return (BigInt(digits) + BigInt(by)).toString();
}

/** The newest versioned up migration (repeatables and changeset positions aside). */
function newest(history: History): Migration | undefined {
  const versioned = history.migrations.filter((m) => !m.repeatable);
  return versioned.reduce<Migration | undefined>((best, m) => (!best || compareVersions(m.version, best.version) > 0 ? m : best), undefined);
}

const isTimestamp = (digits: string) => /^(19|20)\d{12}$/.test(digits);

/**
 * The versions for `count` new migrations after every existing one, in the style of the newest: a
 * 14-digit timestamp from `now` (bumped past the newest when the clock is behind it), diesel's dashed
 * timestamp, or the next integers with the same zero padding.
 */
export function nextVersions(history: History, now: Date, count: number): string[] {
  const last = newest(history);
  const lastDigits = last ? last.version.replace(/\D/g, '') : '';
  const dashed = last !== undefined && /^\d{4}-\d{2}-\d{2}-\d{6}/.test(last.path.split('/').at(-2) ?? '');
  const timestamped = last === undefined ? history.framework !== 'flyway' && history.framework !== 'goose' && history.framework !== 'plain' && history.framework !== 'golang-migrate' : isTimestamp(lastDigits);
  const out: string[] = [];
  if (timestamped) {
    let base = timestampParts(now).join('');
    if (lastDigits && compareVersions(base, lastDigits) <= 0) base = increment(lastDigits, 1);
    for (let i = 0; i < count; i++) {
      const digits = increment(base, i);
      out.push(dashed || (last === undefined && history.framework === 'diesel') ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}` : digits);
    }
    return out;
  }
  // Flyway `1.2` or `1_2`: the next major; numbered files keep their zero padding (`00042`).
  const major = last ? (last.version.match(/\d+/)?.[0] ?? '0') : '0';
  const width = major.startsWith('0') ? major.length : 0;
  for (let i = 1; i <= count; i++) out.push(increment(major, i).padStart(width, '0'));
  return out;
}

const withSemicolonEnd = (sql: string) => `${sql.trimEnd()}\n`;

/** The down of a step that adds nothing an earlier step's down does not remove (a backfill, a VALIDATE). */
const NOTHING_TO_UNDO = '-- Nothing to undo: this step adds nothing that the previous steps\' downs do not remove.';
const prefixOf = (dir: string) => (dir ? `${dir}/` : '');

/** Lays out the steps as the framework wants them, after the current migration and the newest one. */
export function layOutSteps(ctx: PlanContext, steps: MigrationStep[]): LaidOutSteps {
  const out: LaidOutSteps = { newFiles: [], downFiles: [], edits: [], otherEdits: [], notes: [], paths: [] };
  const framework: FrameworkId = ctx.history.framework;
  if (framework === 'liquibase') return liquibaseChangesets(ctx, steps, out);
  if (framework === 'sqitch') return sqitchChanges(ctx, steps, out);
  const versions = nextVersions(ctx.history, ctx.now, steps.length);
  const dir = dirname(ctx.migration.path);
  const hasDowns = ctx.history.downs.size > 0;
  steps.forEach((step, i) => {
    const version = versions[i];
    const slug = slugify(step.name);
    const up = withSemicolonEnd(step.up);
    const down = withSemicolonEnd(step.down ?? NOTHING_TO_UNDO);
    const file = (path: string, content: string, markerFiles?: NewMigrationFile['markerFiles']): NewMigrationFile => ({
      path,
      content,
      nonTransactional: step.nonTransactional,
      ...(markerFiles ? { markerFiles } : {}),
    });
    switch (framework) {
      case 'flyway': {
        const path = `${prefixOf(dir)}V${version}__${slug}.sql`;
        out.newFiles.push(file(path, up, step.nonTransactional ? [{ path: `${path}.conf`, content: 'executeInTransaction=false\n' }] : undefined));
        if (hasDowns) {
          const undo = `${prefixOf(dir)}U${version}__${slug}.sql`;
          out.downFiles.push(file(undo, down, step.nonTransactional ? [{ path: `${undo}.conf`, content: 'executeInTransaction=false\n' }] : undefined));
        }
        out.paths.push(path);
        break;
      }
      case 'dbmate': {
        const path = `${prefixOf(dir)}${version}_${slug}.sql`;
        const head = step.nonTransactional ? '-- migrate:up transaction:false' : '-- migrate:up';
        // dbmate reads the marker per section: the down needs its own.
        const downHead = step.nonTransactional ? '-- migrate:down transaction:false' : '-- migrate:down';
        out.newFiles.push(file(path, `${head}\n${up}\n${downHead}\n${down}`));
        out.paths.push(path);
        break;
      }
      case 'goose': {
        const path = `${prefixOf(dir)}${version}_${slug}.sql`;
        const head = step.nonTransactional ? '-- +goose NO TRANSACTION\n-- +goose Up' : '-- +goose Up';
        out.newFiles.push(file(path, `${head}\n${gooseStatements(up)}\n-- +goose Down\n${gooseStatements(down)}`));
        out.paths.push(path);
        break;
      }
      case 'golang-migrate': {
        const path = `${prefixOf(dir)}${version}_${slug}.up.sql`;
        out.newFiles.push(file(path, up));
        out.downFiles.push(file(`${prefixOf(dir)}${version}_${slug}.down.sql`, down));
        out.paths.push(path);
        if (step.nonTransactional) {
          out.notes.push(
            `golang-migrate has no no-transaction marker: ${path} holds a single statement, which PostgreSQL runs outside a transaction block when the file is sent as one query (keep x-multi-statement off for it).`,
          );
        }
        break;
      }
      case 'diesel':
      case 'prisma': {
        // One folder per migration, beside the current migration's folder.
        const parent = dirname(dirname(ctx.migration.path));
        const folder = `${prefixOf(parent)}${version}_${slug}`;
        if (framework === 'diesel') {
          out.newFiles.push(file(`${folder}/up.sql`, up, step.nonTransactional ? [{ path: `${folder}/metadata.toml`, content: 'run_in_transaction = false\n' }] : undefined));
          out.downFiles.push(file(`${folder}/down.sql`, down));
          out.paths.push(`${folder}/up.sql`);
        } else {
          out.newFiles.push(file(`${folder}/migration.sql`, up));
          out.paths.push(`${folder}/migration.sql`);
          if (step.nonTransactional) out.notes.push(`Prisma runs ${folder}/migration.sql without a transaction because it holds a single statement: keep it that way.`);
        }
        break;
      }
      case 'atlas': {
        const path = `${prefixOf(dir)}${version}_${slug}.sql`;
        out.newFiles.push(file(path, step.nonTransactional ? `-- atlas:txmode none\n\n${up}` : up));
        out.paths.push(path);
        if (!out.notes.some((n) => n.includes('atlas migrate hash'))) out.notes.push('Run `atlas migrate hash` to update atlas.sum for the new files.');
        break;
      }
      case 'supabase':
      case 'plain': {
        const path = `${prefixOf(dir)}${version}_${slug}.sql`;
        out.newFiles.push(file(path, up));
        out.paths.push(path);
        if (step.nonTransactional) {
          out.notes.push(
            framework === 'supabase'
              ? `${path} holds a single statement: sent as one batch it runs outside a transaction block.`
              : `${path} must run outside a transaction: make sure the runner does not wrap it (psql without --single-transaction runs it as is).`,
          );
        }
        break;
      }
    }
  });
  if (compareVersions(ctx.migration.version, newest(ctx.history)?.version ?? '') < 0) {
    out.notes.push(`${ctx.migration.path} is not the newest migration: the new migrations are numbered after the newest one, so they run after it.`);
  }
  return out;
}

/**
 * goose splits a file on semicolons unless a statement is fenced by StatementBegin/StatementEnd: fence
 * every statement with a semicolon inside (function bodies, DO blocks).
 */
function gooseStatements(sql: string): string {
  const { statements } = parseFile(sql);
  let out = '';
  let at = 0;
  for (const stmt of statements) {
    const end = sql[stmt.range.end] === ';' ? stmt.range.end + 1 : stmt.range.end;
    out += sql.slice(at, stmt.range.start);
    const body = sql.slice(stmt.range.start, end);
    out += stmt.text.includes(';') ? `-- +goose StatementBegin\n${body}\n-- +goose StatementEnd` : body;
    at = end;
  }
  return out + sql.slice(at);
}

/** Liquibase: new formatted-SQL changesets right after the current one, in the same changelog file. */
function liquibaseChangesets(ctx: PlanContext, steps: MigrationStep[], out: LaidOutSteps): LaidOutSteps {
  const [author, id] = splitChangesetName(ctx.migration.name);
  const at = ctx.migration.sections.at(-1)?.end ?? ctx.text.length;
  const needsNewline = at > 0 && ctx.text[at - 1] !== '\n';
  const blocks = steps.map((step) => {
    // Liquibase splits on semicolons, also inside function bodies: such a changeset goes over whole.
    const attrs = `${step.nonTransactional ? ' runInTransaction:false' : ''}${step.up.includes('$$') ? ' splitStatements:false' : ''}`;
    const rollback = step.down === undefined ? '' : `${step.down.trim().split('\n').map((l) => `--rollback ${l}`).join('\n')}\n`;
    return `--changeset ${author}:${id}-${slugify(step.name).replace(/_/g, '-')}${attrs}\n${withSemicolonEnd(step.up)}${rollback}`;
  });
  out.edits.push({ range: { start: at, end: at }, newText: `${needsNewline ? '\n' : ''}${blocks.join('')}` });
  out.paths.push(...steps.map(() => ctx.migration.path));
  return out;
}

function splitChangesetName(name: string): [string, string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['safe-migrations', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/**
 * sqitch: deploy/revert/verify scripts per change and a line in sqitch.plan. Scripts manage their own
 * transaction, so a transactional step is wrapped in BEGIN/COMMIT and a non-transactional one is not.
 */
function sqitchChanges(ctx: PlanContext, steps: MigrationStep[], out: LaidOutSteps): LaidOutSteps {
  const root = dirname(dirname(ctx.migration.path));
  const plan = `${prefixOf(root)}sqitch.plan`;
  const planText = ctx.source.read(plan) ?? '';
  const planner = lastPlanner(planText);
  const stamp = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines: string[] = [];
  let previous = ctx.migration.name;
  for (const step of steps) {
    const change = slugify(step.name);
    const wrap = (sql: string) => (step.nonTransactional ? withSemicolonEnd(sql) : `BEGIN;\n\n${withSemicolonEnd(sql)}\nCOMMIT;\n`);
    out.newFiles.push({ path: `${prefixOf(root)}deploy/${change}.sql`, content: `-- Deploy ${change}\n\n${wrap(step.up)}`, nonTransactional: step.nonTransactional });
    out.downFiles.push({
      path: `${prefixOf(root)}revert/${change}.sql`,
      content: `-- Revert ${change}\n\n${step.down === undefined ? withSemicolonEnd(NOTHING_TO_UNDO) : wrap(step.down)}`,
      nonTransactional: step.nonTransactional,
    });
    out.downFiles.push({ path: `${prefixOf(root)}verify/${change}.sql`, content: `-- Verify ${change}\n\nSELECT 1;\n`, nonTransactional: false });
    lines.push(`${change} [${previous}] ${stamp} ${planner} # ${step.name}`);
    out.paths.push(`${prefixOf(root)}deploy/${change}.sql`);
    previous = change;
  }
  const end = planText.length;
  const newline = end > 0 && !planText.endsWith('\n') ? '\n' : '';
  out.otherEdits.push({ path: plan, edits: [{ range: { start: end, end }, newText: `${newline}${lines.join('\n')}\n` }] });
  return out;
}

/** The planner (`Name <email>`) of the plan's last change line, so new lines look like the others. */
function lastPlanner(plan: string): string {
  const lines = plan.split('\n').filter((l) => /^[A-Za-z_][\w.-]*\s/.test(l.trim()) && !l.startsWith('%'));
  const match = lines.length ? /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\s+(.+?<[^>]*>)/.exec(lines.at(-1)!) : null;
  return match?.[1] ?? 'safe-migrations <safe-migrations@localhost>';
}
