/**
 * A migration of N statements in the mix real histories have (tables, indexes, column changes, data
 * fixes, functions with dollar quotes, comments), every statement distinct, for timing tests.
 */
export function syntheticMigration(statements: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < statements; i++) {
    const kind = i % 8;
    if (kind === 0) out.push(`-- accounts, part ${i}\nCREATE TABLE accounts_${i} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`);
    else if (kind === 1) out.push(`CREATE INDEX users_col_${i}_idx ON users (col_${i});`);
    else if (kind === 2) out.push(`ALTER TABLE users ADD COLUMN flag_${i} boolean;`);
    else if (kind === 3) out.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS users_flag_${i - 1}_idx ON users (flag_${i - 1});`);
    else if (kind === 4) out.push(`UPDATE users SET flag_${i - 2} = false WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999};`);
    else if (kind === 5) out.push(`INSERT INTO settings (key, value) VALUES ('feature_${i}', '{"enabled": true, "rollout": ${i % 100}}');`);
    else if (kind === 6) out.push(`CREATE OR REPLACE FUNCTION touch_${i}() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  NEW.updated_at := now(); -- ${i}\n  RETURN NEW;\nEND;\n$fn$;`);
    else out.push(`ALTER TABLE orders_${i} ADD CONSTRAINT orders_${i}_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;`);
  }
  return out.slice(0, statements).join('\n') + '\n';
}
