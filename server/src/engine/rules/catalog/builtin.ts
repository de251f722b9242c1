import invalidDirective from '../invalid-directive';
import syntaxError from '../syntax-error';
import unhandledDdl from '../unhandled-ddl';
import unreadableFile from '../unreadable-file';
import type { Rule } from '../define';

/** Findings the linter itself reports (not from a rule's visitors). */
export const BUILTIN_RULES: Rule[] = [syntaxError, invalidDirective, unreadableFile, unhandledDdl];
