/**
 * A unified diff of two versions of one file, as `diff -u` and `git apply` read it. Fixes change a few
 * lines of a migration, so the common head and tail are cut off first and only the middle is compared
 * line by line (longest common subsequence); a middle too large for that is shown as one replacement.
 */

const CONTEXT = 3;
/** Above this many line pairs the middle is not compared (the table would cost too much memory). */
const MAX_COMPARED_PAIRS = 4_000_000;

interface Line {
  text: string;
  /** The file's last line without a line break after it. */
  noEol: boolean;
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const endsWithBreak = parts[parts.length - 1] === '';
  if (endsWithBreak) parts.pop();
  return parts.map((t, i) => ({ text: t, noEol: !endsWithBreak && i === parts.length - 1 }));
}

const same = (a: Line, b: Line): boolean => a.text === b.text && a.noEol === b.noEol;

function diffLines(a: Line[], b: Line[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && same(a[head], b[head])) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  ops.push(...diffMiddle(midA, midB));
  ops.push(...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function diffMiddle(a: Line[], b: Line[]): Op[] {
  const removeAll = (): Op[] => [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_COMPARED_PAIRS) return removeAll();
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = same(a[i], b[j]) ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (same(a[i], b[j])) {
      ops.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) ops.push({ kind: '-', line: a[i++] });
    else ops.push({ kind: '+', line: b[j++] });
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] });
  return ops;
}

/** `--- a/<name>` / `+++ b/<name>` and the hunks; empty when the texts are equal. */
export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  const out = [`--- a/${name}`, `+++ b/${name}`];
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  let k = 0;
  while (k < changed.length) {
    // A hunk runs from CONTEXT lines before its first change to CONTEXT lines after its last; changes
    // at most 2 × CONTEXT unchanged lines apart share a hunk.
    const firstChange = changed[k];
    let lastChange = firstChange;
    while (k + 1 < changed.length && changed[k + 1] - lastChange <= 2 * CONTEXT + 1) lastChange = changed[++k];
    k++;
    out.push(...hunk(ops, Math.max(0, firstChange - CONTEXT), Math.min(ops.length, lastChange + 1 + CONTEXT)));
  }
  return `${out.join('\n')}\n`;
}

function hunk(ops: Op[], start: number, end: number): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < start; i++) {
    if (ops[i].kind !== '+') oldLine++;
    if (ops[i].kind !== '-') newLine++;
  }
  const body: string[] = [];
  let oldCount = 0;
  let newCount = 0;
  for (let i = start; i < end; i++) {
    const op = ops[i];
    if (op.kind !== '+') oldCount++;
    if (op.kind !== '-') newCount++;
    body.push(`${op.kind}${op.line.text}`);
    if (op.line.noEol) body.push('\\ No newline at end of file');
  }
  // An empty side is numbered by the line before it, as diff does.
  const range = (line: number, count: number) => `${count === 0 ? line - 1 : line},${count}`;
  return [`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body];
}
