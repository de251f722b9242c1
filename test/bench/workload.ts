/**
 * Generated benchmark inputs: a migration-shaped mix of DDL and DML, deterministic for a given size,
 * so that every tool in a run lints exactly the same text.
 */
const SHAPES: ((i: number) => string)[] = [
  (i) => `CREATE TABLE IF NOT EXISTS t${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());`,
  (i) => `ALTER TABLE t${i - 1} ADD COLUMN c${i} integer NOT NULL;`,
  (i) => `CREATE INDEX idx_${i} ON t${i - 2} (name);`,
  (i) => `ALTER TABLE users ADD CONSTRAINT fk_${i} FOREIGN KEY (org_id) REFERENCES orgs (id);`,
  (i) => `UPDATE users SET name = 'user ${i}' WHERE id = ${i};`,
  (i) => `-- step ${i}: widen the column\nALTER TABLE accounts ALTER COLUMN balance TYPE numeric(20, 2);`,
  (i) => `ALTER TABLE users ADD COLUMN flag_${i} boolean DEFAULT false;`,
  (i) => `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_${i} ON accounts (email);`,
];

export function migrationText(statements: number): string {
  const out: string[] = [];
  for (let i = 0; i < statements; i++) out.push(SHAPES[i % SHAPES.length](i));
  return `${out.join('\n')}\n`;
}

/** The same file with one statement changed, as a keystroke-sized edit in the middle would. */
export function editedText(text: string, round: number): string {
  const marker = 'ADD COLUMN flag_';
  let at = text.indexOf(marker, Math.floor(text.length / 2));
  if (at < 0) at = text.indexOf(marker);
  return `${text.slice(0, at)}ADD COLUMN flag${round}_${text.slice(at + marker.length)}`;
}
