/**
 * The report page's stylesheet and script, inlined with the page's nonce (the webview loads no file).
 * Colours follow the VS Code theme where one exists; the lock colours keep their meaning in light and
 * dark themes (red: reads and writes blocked, amber: writes blocked, grey-blue: neither).
 */

export const REPORT_STYLE = `
:root {
  --rw: #c62828; --rw-text: #ffffff;
  --w: #ef9f1a; --w-text: #1f1300;
  --none: #7d8ea3; --none-text: #ffffff;
  --free: transparent;
  --border: var(--vscode-editorWidget-border, rgba(128,128,128,.35));
  --muted: var(--vscode-descriptionForeground, #777);
}
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 24px 32px; line-height: 1.45; }
h1.verdict { font-size: 1.55em; margin: .2em 0 .3em; font-weight: 600; }
h2 { font-size: 1.15em; margin: 1.6em 0 .5em; border-bottom: 1px solid var(--border); padding-bottom: .25em; }
h3 { font-size: 1em; margin: 0 0 .5em; font-weight: 600; }
a { color: var(--vscode-textLink-foreground, #3794ff); text-decoration: none; }
a:hover { text-decoration: underline; }
.report-header { padding-top: 16px; }
.status { display: inline-block; font-size: .8em; text-transform: uppercase; letter-spacing: .06em; padding: 2px 8px; border-radius: 3px; background: var(--vscode-badge-background, #616161); color: var(--vscode-badge-foreground, #fff); }
.status-failed, .status-refused { background: var(--rw); color: var(--rw-text); }
.status-cancelled { background: var(--none); color: var(--none-text); }
.meta, .explain, .summary { color: var(--muted); }
.explain { max-width: 70em; }
.grid-scroll { overflow-x: auto; padding-bottom: 4px; }
table.grid { border-collapse: separate; border-spacing: 3px; }
table.grid th.col { min-width: 92px; max-width: 140px; font-weight: normal; text-align: left; vertical-align: bottom; font-size: .85em; padding: 2px 4px; }
table.grid th.col-error { border-bottom: 3px solid var(--rw); }
table.grid th.col-outside { border-bottom: 3px dashed var(--none); }
.col-num { font-weight: 600; }
.col-kind, .col-file, .col-flag { display: block; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.col-flag { color: var(--rw); font-weight: 600; }
th.corner { text-align: left; vertical-align: bottom; color: var(--muted); font-weight: normal; padding-right: 12px; }
th.row-head { text-align: left; padding-right: 12px; font-weight: 600; white-space: nowrap; }
.row-kind { display: block; font-weight: normal; color: var(--muted); font-size: .85em; }
td.cell { height: 44px; min-width: 92px; border-radius: 4px; padding: 3px 6px; vertical-align: top; font-size: .8em; position: relative; }
td.cell-free { background: var(--free); border: 1px dashed var(--border); }
td.cell-rw { background: var(--rw); color: var(--rw-text); }
td.cell-w { background: var(--w); color: var(--w-text); }
td.cell-none { background: var(--none); color: var(--none-text); }
td.cell-held { opacity: .78; background-image: repeating-linear-gradient(135deg, rgba(255,255,255,.16) 0 6px, transparent 6px 12px); }
td.cell-doc { outline: 2px dashed var(--vscode-foreground); outline-offset: -3px; }
.cell-lock { display: block; font-weight: 600; letter-spacing: .02em; }
.cell-blocks { display: block; opacity: .95; }
.mark { font-size: .85em; margin-right: 4px; }
td.cell .mark-new { position: absolute; top: 2px; right: 4px; }
.mark-rewrite, .mark-scan { display: inline-block; border-radius: 3px; padding: 0 4px; background: rgba(0,0,0,.28); color: #fff; font-size: .8em; }
.legend .mark-rewrite, .legend .mark-scan { background: #555; }
td.empty-row { color: var(--muted); padding: 8px 0; }
ul.legend { list-style: none; padding: 0; margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; color: var(--muted); font-size: .9em; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 6px; }
.swatch.cell-rw { background: var(--rw); } .swatch.cell-w { background: var(--w); } .swatch.cell-none { background: var(--none); }
.swatch.cell-free { border: 1px dashed var(--border); }
.swatch.cell-doc-swatch { border: 2px dashed var(--vscode-foreground); }
ul.agreement { padding-left: 0; list-style: none; margin: .4em 0; }
ul.agreement li { padding: 2px 0 2px 22px; position: relative; }
ul.agreement li::before { position: absolute; left: 2px; font-weight: 700; }
.agree-confirmed::before { content: "✓"; color: #2e9d4f; }
.agree-contradicted::before { content: "✗"; color: var(--rw); }
.agree-not-checked::before, .agree-not-run::before { content: "–"; color: var(--muted); }
.agree-locks::before { content: "≠"; color: var(--w); }
.agree-contradicted .agree-text { font-weight: 600; }
article.stmt { border: 1px solid var(--border); border-left: 4px solid var(--border); border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
article.stmt-error { border-left-color: var(--rw); }
.stmt-num { color: var(--muted); }
.stmt-kind { margin-left: 6px; }
.stmt-facts { color: var(--muted); font-weight: normal; margin-left: 8px; }
pre.sql { background: var(--vscode-textCodeBlock-background, rgba(128,128,128,.12)); padding: 8px 10px; border-radius: 3px; overflow: auto; max-height: 16em; margin: 0 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.sql code, code { font-family: var(--vscode-editor-font-family, monospace); font-size: var(--vscode-editor-font-size, 12px); }
pre.sql code { color: var(--vscode-editor-foreground); background: none; padding: 0; }
table.locks { border-collapse: collapse; margin: 4px 0 8px; font-size: .92em; }
table.locks th, table.locks td { border-bottom: 1px solid var(--border); padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
table.locks tr.lock-rw td:nth-child(3) { color: var(--rw); font-weight: 600; }
table.locks tr.lock-w td:nth-child(3) { color: var(--w); font-weight: 600; }
.lock-kind { color: var(--muted); margin-left: 6px; font-size: .85em; }
.fact { margin: 4px 0; }
.fact-bad, .error { color: var(--vscode-errorForeground, var(--rw)); }
.error { font-weight: 600; }
.refused li, .notes li { margin: 3px 0; }
.not-run { color: var(--muted); }
`;

/** Line links ask the extension to open the migration at that line (the page itself opens nothing). */
export const REPORT_SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', function (event) {
    const link = event.target instanceof Element ? event.target.closest('a.goto') : null;
    if (!link) return;
    event.preventDefault();
    vscode.postMessage({ type: 'reveal', file: Number(link.getAttribute('data-file')), line: Number(link.getAttribute('data-line')) });
  });
})();
`;
