/**
 * Types and sequences on the model: enums and their values, domains and their constraints, composite
 * types, and sequences with the column that owns them.
 */
import type { AlterDomainStmt, AlterEnumStmt, AlterSeqStmt, CompositeTypeStmt, Constraint, CreateDomainStmt, CreateEnumStmt, CreateSeqStmt, Node } from '@pgsql/types';
import { nodePayload, qualifiedKey, relationKey, stringList, typeLabel } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import type { SequenceModel } from './objects';

export function applyCreateEnum(a: Applier, stmt: CreateEnumStmt): void {
  const key = qualifiedKey(stringList(stmt.typeName));
  const values = stringList(stmt.vals);
  const model = { values, origin: a.origin };
  a.model.enums.set(key, model);
  a.touch(key, model);
}

export function applyAlterEnum(a: Applier, stmt: AlterEnumStmt): void {
  const key = qualifiedKey(stringList(stmt.typeName));
  const model = a.model.enums.get(key);
  if (!model || !stmt.newVal) return;
  if (stmt.oldVal) {
    model.values = model.values.map((v) => (v === stmt.oldVal ? stmt.newVal! : v));
  } else if (!model.values.includes(stmt.newVal)) {
    const at = stmt.newValNeighbor ? model.values.indexOf(stmt.newValNeighbor) : -1;
    if (at < 0) model.values.push(stmt.newVal);
    else model.values.splice(stmt.newValIsAfter ? at + 1 : at, 0, stmt.newVal);
  }
  a.touch(key, model);
}

export function applyCreateDomain(a: Applier, stmt: CreateDomainStmt): void {
  const key = qualifiedKey(stringList(stmt.domainname));
  const domain = { key, baseType: typeLabel(stmt.typeName), notNull: false, hasDefault: false, constraints: [] as { name?: string; validated: boolean }[], origin: a.origin };
  for (const c of stmt.constraints ?? []) {
    const constraint = nodePayload<Constraint>(c);
    if (constraint?.contype === 'CONSTR_NOTNULL') domain.notNull = true;
    else if (constraint?.contype === 'CONSTR_DEFAULT') domain.hasDefault = true;
    else if (constraint?.contype === 'CONSTR_CHECK') domain.constraints.push({ name: constraint.conname, validated: true });
  }
  a.model.domains.set(key, domain);
  a.touch(key, domain);
}

/** ALTER DOMAIN subtypes: T default, N drop not null, O set not null, C add constraint, X drop constraint, V validate. */
export function applyAlterDomain(a: Applier, stmt: AlterDomainStmt): void {
  const key = qualifiedKey(stringList(stmt.typeName));
  const domain = a.model.domains.get(key);
  if (!domain) return;
  switch (stmt.subtype) {
    case 'T':
      domain.hasDefault = stmt.def !== undefined;
      break;
    case 'N':
      domain.notNull = false;
      break;
    case 'O':
      domain.notNull = true;
      break;
    case 'C': {
      const constraint = nodePayload<Constraint>(stmt.def);
      if (constraint?.contype === 'CONSTR_NOTNULL') domain.notNull = true;
      else domain.constraints.push({ name: constraint?.conname, validated: !constraint?.skip_validation });
      break;
    }
    case 'X':
      domain.constraints = domain.constraints.filter((k) => k.name !== stmt.name);
      break;
    case 'V':
      for (const k of domain.constraints) if (k.name === stmt.name) k.validated = true;
      break;
    default:
      a.unhandled(`AlterDomainStmt ${stmt.subtype ?? '?'}`);
  }
  a.touch(key, domain);
}

export function applyCompositeType(a: Applier, stmt: CompositeTypeStmt): void {
  const key = relationKey(stmt.typevar);
  const attributes = (stmt.coldeflist ?? []).map((c) => nodePayload<{ colname?: string }>(c)?.colname ?? '');
  a.model.compositeTypes.set(key, { attributes, origin: a.origin });
  a.touch(key);
}

export function applyCreateSequence(a: Applier, stmt: CreateSeqStmt): void {
  const key = relationKey(stmt.sequence);
  if (stmt.if_not_exists && a.model.sequences.has(key)) return;
  const sequence: SequenceModel = { key, origin: a.origin };
  a.model.sequences.set(key, sequence);
  applySequenceOptions(sequence, stmt.options);
  a.touch(key, sequence);
}

export function applyAlterSequence(a: Applier, stmt: AlterSeqStmt): void {
  const key = relationKey(stmt.sequence);
  const sequence = a.model.sequences.get(key);
  if (!sequence) return;
  applySequenceOptions(sequence, stmt.options);
  a.touch(key, sequence);
}

/** The type (AS) and OWNED BY are what the model keeps of a sequence's options. */
function applySequenceOptions(sequence: SequenceModel, options: Node[] | undefined): void {
  for (const o of options ?? []) {
    const def = nodePayload<{ defname?: string; arg?: Node }>(o);
    if (def?.defname === 'as') sequence.type = typeLabel(nodePayload(def.arg) as never);
    if (def?.defname === 'owned_by') {
      const names = stringList(nodePayload<{ items?: Node[] }>(def.arg)?.items);
      if (names.length === 1 && names[0] === 'none') delete sequence.ownedBy;
      else if (names.length >= 2) sequence.ownedBy = { table: qualifiedKey(names.slice(0, -1)), column: names[names.length - 1] };
    }
  }
}
