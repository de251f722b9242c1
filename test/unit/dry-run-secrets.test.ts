/**
 * Connection strings on their way from VS Code to the language server: sealed so that a protocol
 * trace never shows them, opened only by the process holding the key, and validation messages that
 * never repeat what was typed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelProblem, urlProblem } from '../../client/src/dry-run/connections';
import { Redactor } from '../../server/src/db/redact';
import { newSealKey, seal, SEAL_KEY_ENV, takeSealKey, unseal } from '../../server/src/protocol/sealed-secret';

const URL_WITH_PASSWORD = 'postgres://deploy:Tr0ub4dor%263@db.internal:5432/app?sslmode=require';

describe('sealed connection strings', () => {
  it('round-trip with the key, and show neither the URL nor its password', () => {
    const key = newSealKey();
    const sealed = seal(URL_WITH_PASSWORD, key);
    assert.equal(unseal(sealed, key), URL_WITH_PASSWORD);
    for (const secret of ['Tr0ub4dor', 'Tr0ub4dor&3', 'db.internal', 'deploy']) assert.ok(!sealed.includes(secret), `sealed text contains ${secret}`);
    assert.notEqual(seal(URL_WITH_PASSWORD, key), sealed, 'a fresh IV each time: equal URLs do not look equal');
  });

  it('cannot be opened without the key, with another key, or after tampering', () => {
    const key = newSealKey();
    const sealed = seal(URL_WITH_PASSWORD, key);
    const problems = [
      unseal(sealed, undefined),
      unseal(sealed, newSealKey()),
      unseal(`${sealed.slice(0, -4)}AAAA`, key),
      unseal(URL_WITH_PASSWORD, key),
      unseal('sealed:v1:x.y', key),
    ];
    for (const p of problems) {
      assert.ok(p instanceof Error, 'opened without the right key');
      assert.ok(!p.message.includes('Tr0ub4dor') && !p.message.includes(sealed), p.message);
    }
    assert.match((problems[1] as Error).message, /not made for this language server process/);
    assert.match((problems[3] as Error).message, /not in the sealed format/);
  });

  it('take the key out of the environment, so that child processes do not inherit it', () => {
    const key = newSealKey();
    const env: NodeJS.ProcessEnv = { [SEAL_KEY_ENV]: key, PATH: '/bin' };
    assert.equal(takeSealKey(env), key);
    assert.equal(env[SEAL_KEY_ENV], undefined);
    assert.equal(takeSealKey({ [SEAL_KEY_ENV]: 'not-hex' }), undefined);
  });
});

describe('saved connections', () => {
  it('reject bad URLs without repeating them', () => {
    for (const bad of ['mysql://root:Secr3tPass@h/db', 'postgres://user:p@ss:word@', 'Secr3tPass']) {
      const problem = urlProblem(bad);
      assert.ok(problem, `${bad} was accepted`);
      assert.ok(!problem.includes('Secr3tPass') && !problem.includes(bad), problem);
    }
    assert.equal(urlProblem(URL_WITH_PASSWORD), undefined);
    assert.equal(urlProblem('postgresql://localhost/test'), undefined);
  });

  it('need a unique, printable label other than the embedded engine', () => {
    assert.match(labelProblem('  ') ?? '', /Give the connection a name/);
    assert.match(labelProblem('Staging', ['staging']) ?? '', /exists already/);
    assert.match(labelProblem('embedded') ?? '', /built-in PostgreSQL/);
    assert.match(labelProblem('a\u0007b') ?? '', /control characters/);
    assert.equal(labelProblem('production eu-west', ['staging']), undefined);
  });

  it('are redacted from messages in every form the password can take', () => {
    const redactor = new Redactor(URL_WITH_PASSWORD);
    const message = `could not connect to ${URL_WITH_PASSWORD}: password authentication failed for "Tr0ub4dor&3" (Tr0ub4dor%263)`;
    const safe = redactor.text(message);
    assert.ok(!safe.includes('Tr0ub4dor'), safe);
    assert.match(safe, /postgres:\/\/deploy:\*\*\*@db\.internal:5432\/app/);
  });
});
