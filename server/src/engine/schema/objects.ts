/**
 * The objects of the schema model: what replaying the migrations tells about each table, column,
 * constraint, index, view, trigger, function and type. Fields added after the first version are
 * optional so that code building models by hand (tests, scratch models in rules) keeps working.
 */

export type Origin = 'history' | 'current-file';

/** The migration that made a change, for hovers ("changed by 20240101_add_email"). */
export interface MigrationRef {
  path: string;
  version: string;
}

/**
 * How PostgreSQL evaluates a default: 'constant' and 'stable' are computed once when ADD COLUMN fills
 * existing rows (PostgreSQL 11+), 'volatile' once per row; 'unknown' is a function the model does not
 * know (usually a user function, which PostgreSQL treats as volatile unless declared otherwise).
 */
export type Volatility = 'constant' | 'stable' | 'volatile' | 'unknown';

export interface ColumnDefault {
  /** The expression in short: `now()`, `'active'`, `nextval('users_id_seq')`. */
  label: string;
  volatility: Volatility;
}

export interface ColumnModel {
  name: string;
  /** As written, normalised: `bigint`, `varchar(20)`, `text[]`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  default?: ColumnDefault;
  identity?: 'always' | 'by-default';
  /** A generated column and the columns of its table its expression reads. */
  generated?: { kind: 'stored' | 'virtual'; reads: string[] };
  collation?: string;
  /** 'current-file' when the column was added earlier in the file being linted. */
  origin?: Origin;
  addedBy?: MigrationRef;
  changedBy?: MigrationRef;
  /**
   * The last UPDATE that set the column on (potentially) every row: a backfill. `from` lists the
   * columns of the same table its value was computed from.
   */
  backfill?: { from: string[]; by?: MigrationRef; origin: Origin };
}

export type ConstraintKind = 'check' | 'unique' | 'primary-key' | 'foreign-key' | 'exclusion' | 'not-null';

export interface ConstraintModel {
  name?: string;
  /** The name is the one PostgreSQL gives an unnamed constraint (`users_pkey`), not written in the migration. */
  generatedName?: boolean;
  kind: ConstraintKind;
  /** Key columns; for a CHECK, the columns its expression reads. */
  columns: string[];
  validated: boolean;
  /** For `CHECK (c IS NOT NULL)`: the column it proves not null. */
  provesNotNull?: string;
  /** For a foreign key: the key of the table it references (`public.orgs`). */
  references?: string;
  /** For a foreign key: the referenced columns when written (otherwise the referenced primary key). */
  referencedColumns?: string[];
  /** For a unique, primary-key or exclusion constraint: the index that enforces it. */
  index?: string;
  origin: Origin;
  changedBy?: MigrationRef;
}

export interface IndexModel {
  name?: string;
  /** The name is PostgreSQL's default for a constraint's index, not written in the migration. */
  generatedName?: boolean;
  /** Key columns in order; '' for an expression element. */
  columns: string[];
  unique: boolean;
  origin: Origin;
  /** Has a WHERE clause. */
  partial?: boolean;
  /** Columns read by expression elements and the WHERE clause (the index depends on them too). */
  expressionColumns?: string[];
  /** The constraint this index enforces (primary key, unique, exclusion). */
  constraint?: string;
  /** Access method when not btree: `gin`, `gist`, `brin` … */
  method?: string;
  changedBy?: MigrationRef;
}

export interface TableModel {
  key: string;
  columns: Map<string, ColumnModel>;
  constraints: ConstraintModel[];
  indexes: IndexModel[];
  partitioned: boolean;
  origin: Origin;
  /** For a partition: the key of its partitioned parent, and its bound as written. */
  partitionOf?: string;
  partitionBound?: string;
  /** Tables this one inherits columns from (INHERITS). */
  inherits?: string[];
  unlogged?: boolean;
  changedBy?: MigrationRef;
  /** INSERT INTO this table … SELECT … FROM another: the tables its rows were copied from. */
  copiedFrom?: { table: string; by?: MigrationRef; origin: Origin }[];
}

/** A column of a table (or view) that another object depends on. */
export interface ColumnRefModel {
  table: string;
  column: string;
}

export interface ViewModel {
  key: string;
  materialized: boolean;
  /** Output column names, where the model can tell them. */
  columns: string[];
  /** Tables and views the query reads. */
  relations: string[];
  /** Columns of those relations the query reads (PostgreSQL records the same dependencies). */
  dependsOn: ColumnRefModel[];
  origin: Origin;
  changedBy?: MigrationRef;
}

/** What a PL/pgSQL trigger function's body does with the row and with other tables. */
export interface TriggerBodyModel {
  /** `NEW.col` read in expressions (including the right-hand side of assignments). */
  newReads: string[];
  /** `NEW.col := …` assignments: columns a BEFORE trigger writes into the row. */
  newWrites: string[];
  /** Each assignment to NEW and the NEW columns its expression reads (`full_name` ← [`fullname`]). */
  assignments: { target: string; sources: string[] }[];
  oldReads: string[];
  /**
   * INSERT / UPDATE / DELETE statements in the body: the table, the columns they set, and for each
   * column set from exactly one NEW column, that column (`copies`).
   */
  writesTables: { table: string; columns: string[]; copies: { column: string; source: string }[] }[];
  /** Tables read by queries in the body. */
  readsTables: string[];
  /** EXECUTE of a dynamic string: what it touches is unknown. */
  dynamic: boolean;
}

export interface FunctionModel {
  key: string;
  language: string;
  returnsTrigger: boolean;
  /** For PL/pgSQL bodies the parser could read. */
  body?: TriggerBodyModel;
  origin: Origin;
  changedBy?: MigrationRef;
}

export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

export interface TriggerModel {
  name: string;
  table: string;
  /** Key of the trigger function. */
  function: string;
  timing: 'before' | 'after' | 'instead-of';
  events: TriggerEvent[];
  /** `UPDATE OF a, b`: PostgreSQL records these as dependencies of the trigger. */
  updateColumns: string[];
  /** Columns of the table the WHEN condition reads (also recorded dependencies). */
  whenColumns: string[];
  forEachRow: boolean;
  enabled: boolean;
  origin: Origin;
  changedBy?: MigrationRef;
}

export interface EnumModel {
  values: string[];
  origin: Origin;
  changedBy?: MigrationRef;
}

export interface DomainModel {
  key: string;
  baseType: string;
  notNull: boolean;
  hasDefault: boolean;
  constraints: { name?: string; validated: boolean }[];
  origin: Origin;
  changedBy?: MigrationRef;
}

export interface SequenceModel {
  key: string;
  type?: string;
  ownedBy?: ColumnRefModel;
  origin: Origin;
  changedBy?: MigrationRef;
}

export function newTableModel(key: string, origin: Origin): TableModel {
  return { key, columns: new Map(), constraints: [], indexes: [], partitioned: false, origin };
}
