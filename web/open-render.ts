/**
 * The Open tab's result panels, as DOM: the model summary (`sppkit inspect`), the check report (`sppkit check`),
 * the pass report (`sppkit transform --explain`) and the op counts before and after a transform.
 */
import { bytesText, h } from './dom.js';
import type { ModelSummary, NamedType, PassReport } from './protocol.js';

function typesTable(caption: string, rows: readonly NamedType[]): HTMLTableElement {
  return h('table', {
    class: 'compact',
    children: [
      h('caption', { text: caption }),
      h('tbody', {
        children: rows.map((row) =>
          h('tr', {
            children: [
              h('td', { class: 'name', text: row.name }),
              h('td', { children: [h('code', { text: row.type })] }),
            ],
          }),
        ),
      }),
    ],
  });
}

/** The summary card's content: file facts, inputs and outputs with types, op counts. */
export function renderSummary(summary: ModelSummary): HTMLElement[] {
  const fact = (term: string, value: string): HTMLElement[] => [h('dt', { text: term }), h('dd', { text: value })];
  const opsets = summary.opsets.map((o) => `${o.domain} ${o.version}`).join(', ');
  return [
    h('dl', {
      class: 'facts',
      children: [
        ...fact('file', `${summary.fileName} (${bytesText(summary.byteLength)})`),
        ...fact('graph', summary.graphName === '' ? '(unnamed)' : summary.graphName),
        ...fact('producer', summary.producer === '' ? '–' : summary.producer),
        ...fact('IR / opsets', `IR ${summary.irVersion} · ${opsets}`),
        ...fact(
          'size',
          `${summary.nodeCount} nodes · ${summary.initializerCount} initializers ` +
            `(${summary.parameterCount.toLocaleString('en')} values)`,
        ),
      ],
    }),
    typesTable('inputs', summary.inputs),
    typesTable('outputs', summary.outputs),
    h('div', {
      class: 'ops',
      attrs: { 'data-testid': 'op-counts' },
      children: summary.opCounts.map((o) =>
        h('span', { class: 'chip', attrs: { 'data-op': o.op }, children: [o.op, h('b', { text: `×${o.count}` })] }),
      ),
    }),
  ];
}

/** The check card's content: ok, or every problem; warnings apart. */
export function renderCheck(fileName: string, problems: readonly string[], warnings: readonly string[]): HTMLElement[] {
  const head =
    problems.length === 0
      ? h('p', { class: 'verdict ok', text: `${fileName}: ok — the checker found no problem` })
      : h('p', { class: 'verdict fail', text: `${fileName}: ${problems.length} problem(s)` });
  const list = (items: readonly string[], className: string): HTMLElement =>
    h('ul', { class: `messages ${className}`, children: items.map((item) => h('li', { text: item })) });
  return [
    head,
    ...(problems.length === 0 ? [] : [list(problems, 'problems')]),
    ...(warnings.length === 0 ? [] : [h('p', { class: 'subhead', text: 'warnings' }), list(warnings, 'warnings')]),
  ];
}

/** The pass report, line for line as `sppkit transform --explain` prints it (one block per pass). */
export function renderExplain(records: readonly PassReport[]): HTMLElement {
  return h('ol', {
    class: 'explain',
    children: records.map((record) => {
      const [first = '', ...rest] = record.notes;
      const summary = h('div', {
        class: 'pass-line',
        children: [
          h('span', {
            class: `badge ${record.modified ? 'ok' : 'neutral'}`,
            text: record.modified ? 'changed' : 'unchanged',
          }),
          h('code', { class: 'pass-name', text: record.pass }),
          first === '' ? '' : h('span', { class: 'note', text: first }),
        ],
      });
      // As the CLI: events first (with the notes after them), or the notes alone when there are no events.
      const extra = record.events.length === 0 ? rest : rest.slice(record.events.length);
      const events = record.events.map((event) =>
        h('li', {
          class: `event ${event.kind}`,
          children: [
            h('span', { class: 'kind', text: event.kind }),
            h('span', { class: 'where', text: event.where }),
            h('div', { class: 'detail', text: event.detail }),
          ],
        }),
      );
      const notes = extra.map((note) => h('li', { class: 'event note', text: note }));
      return h('li', {
        attrs: { 'data-pass': record.pass, 'data-modified': String(record.modified) },
        children: [
          summary,
          ...(events.length + notes.length === 0 ? [] : [h('ul', { children: [...events, ...notes] })]),
        ],
      });
    }),
  });
}

/** Op counts before and after, one row per op (changed rows marked), and the node totals. */
export function renderOpDiff(before: ModelSummary, after: ModelSummary): HTMLTableElement {
  const count = (summary: ModelSummary, op: string): number => summary.opCounts.find((o) => o.op === op)?.count ?? 0;
  const ops = [...new Set([...before.opCounts, ...after.opCounts].map((o) => o.op))].sort();
  const delta = (a: number, b: number): string => (b === a ? '' : b > a ? `+${b - a}` : `−${a - b}`);
  const row = (op: string, a: number, b: number, className = ''): HTMLTableRowElement =>
    h('tr', {
      class: `${a === b ? '' : 'changed'} ${className}`.trim(),
      attrs: { 'data-op': op },
      children: [
        h('td', { text: op }),
        h('td', { class: 'num', text: String(a) }),
        h('td', { class: 'num', text: String(b) }),
        h('td', { class: 'num delta', text: delta(a, b) }),
      ],
    });
  return h('table', {
    class: 'compact op-diff',
    children: [
      h('thead', {
        children: [h('tr', { children: ['op', 'before', 'after', 'change'].map((text) => h('th', { text })) })],
      }),
      h('tbody', { children: ops.map((op) => row(op, count(before, op), count(after, op))) }),
      h('tfoot', { children: [row('nodes', before.nodeCount, after.nodeCount, 'total')] }),
    ],
  });
}
