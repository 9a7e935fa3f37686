import { describe, expect, test } from 'vitest';
import type { History } from '../history/types.js';
import { escapeHtml } from './format.js';
import { mergePoints, renderHtml } from './html.js';
import { HistoryBuilder, fail, pass, seeded } from './test-kit.js';

const EVIL = `<script>alert(1)</script>&"'`;
const EVIL_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;';

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'wbr']);

/**
 * A tiny markup checker: every tag closes in order, SVG elements only self-close, and no '<' or '>' is left in text
 * or attribute values (everything from the history must arrive escaped). Returns the tag names it saw.
 */
function checkMarkup(markup: string, { html }: { html: boolean }): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>|<!doctype html>/gy;
  let text = '';
  let at = 0;
  while (at < markup.length) {
    const lt = markup.indexOf('<', at);
    if (lt < 0) {
      text += markup.slice(at);
      break;
    }
    text += markup.slice(at, lt);
    tag.lastIndex = lt;
    const m = tag.exec(markup);
    if (!m) throw new Error(`malformed tag at ${lt}: ${markup.slice(lt, lt + 80)}`);
    at = tag.lastIndex;
    if (m[0].startsWith('<!')) continue;
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName.toLowerCase();
    seen.push(name);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${lt}`);
    } else if (selfClosing) {
      if (html && !stack.includes('svg')) throw new Error(`self-closing <${name}/> outside SVG`);
    } else if (!(html && VOID.has(name) && !stack.includes('svg'))) {
      stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (/[<>]/.test(text)) throw new Error(`stray < or > in text: ${text.match(/.{0,40}[<>].{0,40}/)?.[0]}`);
  return seen;
}

function svgOf(html: string): string {
  const start = html.indexOf('<svg class="timeline"');
  const end = html.indexOf('</svg>', start) + '</svg>'.length;
  return html.slice(start, end);
}

function count(haystack: string, needle: string | RegExp): number {
  return typeof needle === 'string' ? haystack.split(needle).length - 1 : (haystack.match(needle) ?? []).length;
}

function sample(): History {
  const b = new HistoryBuilder({ durationMs: 20_000, scenario: 'mixed' });
  const get = { type: 'get', key: 'reg/1' } as const;
  for (let i = 0; i < 40; i++) b.ok(i * 400, 2 + (i % 7), i % 2 ? get : undefined);
  b.definite(3000, 4);
  b.indeterminate(4000, 5000);
  b.lost(19_000);
  b.fault('kill', ['n2'], 'SIGKILL n2 (leader)', 3210, 5400);
  b.fault('kill', ['n3'], 'SIGKILL n3', 4000, 6000); // overlaps the first: a second row in the kill lane
  b.fault('partition', ['n1->n2'], 'isolate n1 from n2, n3', 9000, 12_000);
  b.fault('pause', ['n1'], 'SIGSTOP n1', 15_000, null);
  const w0 = b.watch(0, 'n1');
  w0.session(0, 0).created(1, 1).events(100, 5, 3).close(3300, 'stream ended by the server');
  w0.session(3500, 6).created(3510, 6).progress(4510, 6).close(9100, '14 UNAVAILABLE: connection dropped');
  w0.session(9300, 7).created(9310, 7);
  b.watch(1, 'n2').session(0, 0).created(2, 1);
  b.final({ name: 'n1', id: '8e9e05c52164694d', revision: 45, hashKV: { hash: 3735928559, hashRevision: 45, compactRevision: 0 } });
  return b.build();
}

const results = [
  pass('linearizability', '43 operations in 2 partitions'),
  fail('watch', '2 violations', ['client 0 missed revision 17', 'client 0 got revision 20 twice']),
];

test('the markup checker itself rejects broken markup', () => {
  expect(() => checkMarkup('<svg><g><rect/></svg>', { html: false })).toThrow(/closes/);
  expect(() => checkMarkup('<svg><g>', { html: false })).toThrow(/unclosed/);
  expect(() => checkMarkup('<p>a <script>x</p>', { html: true })).toThrow();
  expect(() => checkMarkup('<p>1 < 2</p>', { html: true })).toThrow(/malformed/);
  expect(() => checkMarkup('<p title="a>b">x</p>', { html: true })).toThrow(/malformed/);
  expect(() => checkMarkup('<p>x</p> > y', { html: true })).toThrow(/stray/);
  expect(checkMarkup('<!doctype html><html><head><meta charset="utf-8"></head><body><svg><rect x="1"/></svg></body></html>', { html: true })).toEqual([
    'html', 'head', 'meta', 'head', 'body', 'svg', 'rect', 'svg', 'body', 'html',
  ]);
});

describe('renderHtml', () => {
  test('a self-contained page: no scripts, no external resources', () => {
    const html = renderHtml(sample(), results);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<style>[\s\S]*<\/style>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    // The only URL is the SVG namespace.
    expect(html.match(/https?:\/\/[^"\s]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  test('the page and its SVG are well formed', () => {
    const html = renderHtml(sample(), results);
    checkMarkup(html, { html: true });
    const tags = checkMarkup(svgOf(html), { html: false });
    expect(tags).toContain('circle');
    expect(tags).toContain('title');
  });

  test('header facts and verdicts, failures first with their violations', () => {
    const html = renderHtml(sample(), results);
    for (const fact of ['<dt>target</dt><dd>yawl</dd>', '<dt>scenario</dt><dd>mixed</dd>', '<dt>seed</dt><dd>42</dd>', '<dt>clients</dt><dd>3</dd>', '<dt>duration</dt><dd>20.00s</dd>']) {
      expect(html).toContain(fact);
    }
    expect(html).toContain('<span class="badge fail">FAIL</span></h1>');
    const failure = html.indexOf('<div class="check fail">');
    const passed = html.indexOf('<span class="badge pass">PASS</span> <strong>linearizability</strong>');
    expect(failure).toBeGreaterThan(0);
    expect(passed).toBeGreaterThan(failure);
    expect(html).toContain('<li>client 0 missed revision 17</li>');
    expect(html).toContain('<li>client 0 got revision 20 twice</li>');
    expect(renderHtml(sample(), [pass('a')])).toContain('<span class="badge pass">PASS</span></h1>');
  });

  test('one band per fault, in a lane per kind, each with its description in a <title>', () => {
    const history = sample();
    const svg = svgOf(renderHtml(history, results));
    const bands = [...svg.matchAll(/<g class="fault-band[^"]*" data-fault="(\d+)"><title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)"/g)];
    expect(bands).toHaveLength(history.faults.length);
    expect(count(svg, 'class="fault-band')).toBe(history.faults.length);
    for (const fault of history.faults) {
      const band = bands.find((b) => Number(b[1]) === fault.id)!;
      expect(band[2]).toContain(escapeHtml(fault.description));
    }
    expect(bands.find((b) => b[1] === '0')![2]).toContain('3.21s–5.40s (2.19s), restarted');
    expect(bands.find((b) => b[1] === '3')![2]).toContain('end of run');
    expect(svg).toContain('<g class="fault-band unhealed" data-fault="3">');
    // The two overlapping kills are on different rows of the kill lane; the partition has its own lane.
    const y = (id: string) => Number(bands.find((b) => b[1] === id)![4]);
    expect(y('1')).toBeGreaterThan(y('0'));
    expect(y('2')).toBeGreaterThan(y('1'));
    for (const lane of ['kill', 'pause', 'partition']) expect(svg).toMatch(new RegExp(`class="lane-label"[^>]*>${lane}</text>`));
    // Band x positions follow the time axis: 3.21s is 3.21/20 of the plot width right of its left edge.
    expect(Number(bands.find((b) => b[1] === '0')![3])).toBeCloseTo(150 + (3210 / 20_000) * 1026, 0);
  });

  test('the time axis has ticks and labels', () => {
    const svg = svgOf(renderHtml(sample(), results));
    for (const tick of ['0s', '2s', '10s', '20s']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('run time (seconds)');
    expect(svg).toContain('latency (log scale)');
    expect(svg).toMatch(/>1 ms<\/text>/);
    expect(svg).toMatch(/>10 ms<\/text>/);
  });

  test('one point per operation, coloured by outcome, indeterminate ones in the top strip', () => {
    const history = sample();
    const svg = svgOf(renderHtml(history, results));
    const points = [...svg.matchAll(/<circle class="(\w+)" cx="([\d.]+)" cy="([\d.]+)"/g)];
    expect(points).toHaveLength(history.operations.length);
    expect(points.filter((p) => p[1] === 'ok')).toHaveLength(40);
    expect(points.filter((p) => p[1] === 'failed')).toHaveLength(1);
    const indeterminate = points.filter((p) => p[1] === 'indeterminate');
    expect(indeterminate).toHaveLength(2);
    // Both at the same height, above every plotted latency.
    expect(new Set(indeterminate.map((p) => p[3])).size).toBe(1);
    const top = Number(indeterminate[0][3]);
    for (const p of points.filter((p) => p[1] !== 'indeterminate')) expect(Number(p[3])).toBeGreaterThan(top + 8);
    // Higher latency is drawn higher.
    const ok = points.filter((p) => p[1] === 'ok');
    expect(Number(ok[5][3])).toBeLessThan(Number(ok[0][3])); // 7 ms above 2 ms
    expect(svg).toMatch(/class="lane-label"[^>]*>indeterminate<\/text>/);
    expect(svg).not.toContain('Showing');
  });

  test('watch lanes mark every session break and every resume', () => {
    const svg = svgOf(renderHtml(sample(), results));
    expect(count(svg, '<path class="watch-break"')).toBe(2);
    expect(count(svg, '<path class="watch-resume"')).toBe(2);
    expect(svg).toContain('client 0: session 2 ended at 9.10s: 14 UNAVAILABLE: connection dropped');
    expect(svg).toContain('client 0: resumed at 3.50s from revision 6');
    expect(svg).toContain('watch c0 → n1');
    expect(svg).toContain('watch c1 → n2');
  });

  test('tables of operations, latency, faults, watches and final state', () => {
    const html = renderHtml(sample(), results);
    for (const id of ['operations', 'latency', 'errors', 'faults', 'watches', 'final']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toMatch(/<td><strong>all<\/strong><\/td><td class="num">43<\/td><td class="num">40<\/td><td class="num">1<\/td>/);
    expect(html).toContain('<td>SIGKILL n2 (leader)</td><td class="num">3.21s</td><td class="num">5.40s</td><td class="num">2.19s</td><td>restarted</td>');
    expect(html).toContain('<span class="fail">never healed</span>');
    expect(html).toContain('<code>deadbeef</code> @ 45');
  });

  test('every string from the history is escaped', () => {
    const b = new HistoryBuilder({ scenario: EVIL });
    b.ok(0, 5, { type: 'put', key: EVIL, value: EVIL });
    b.op({ call: 10, latency: 5, request: { type: 'get', key: EVIL }, failure: { code: EVIL, message: EVIL, definite: true } });
    b.indeterminate(20, 5, { type: 'cas', key: 'reg/1', expect: EVIL, value: EVIL }, EVIL);
    b.fault('kill', [EVIL], EVIL, 0, 5);
    b.watch(0, EVIL).session(0).created(1, 1).close(3, EVIL);
    b.watch(0, EVIL).session(5, 2);
    b.final({ name: EVIL, id: EVIL, revision: 1, error: EVIL });
    const history = b.build();
    history.meta.members = [{ name: EVIL, id: EVIL }];
    const html = renderHtml(history, [fail(EVIL, EVIL, [EVIL]), pass(EVIL, EVIL)]);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('alert(1)</');
    expect(count(html, EVIL_ESCAPED)).toBeGreaterThanOrEqual(10);
    checkMarkup(html, { html: true });
    checkMarkup(svgOf(html), { html: false });
  });

  test('an empty history still renders', () => {
    const html = renderHtml(new HistoryBuilder({ durationMs: 0 }).build(), []);
    expect(html).toContain('No checker ran.');
    expect(html).toContain('no fault injected');
    expect(html).toContain('no operations');
    checkMarkup(html, { html: true });
  });
});

describe('large histories', () => {
  function big(n: number): History {
    const random = seeded(7);
    const b = new HistoryBuilder({ durationMs: 600_000, clients: 16 });
    for (let i = 0; i < n; i++) {
      const call = (i / n) * 600_000;
      const roll = random();
      const latency = 0.5 + 20 * random() ** 4;
      if (roll < 0.95) b.ok(call, latency, roll < 0.5 ? { type: 'get', key: `reg/${i % 10}` } : undefined);
      else if (roll < 0.97) b.definite(call, latency);
      else if (roll < 0.995) b.indeterminate(call, 5000);
      else b.lost(call);
    }
    b.ok(300_000, 30_000); // one outlier: a 30 s put
    for (let f = 0; f < 20; f++) b.fault(f % 2 ? 'kill' : 'partition', ['n2'], `fault number ${f}`, f * 30_000, f * 30_000 + 10_000);
    return b.build();
  }

  test('50k operations are merged into a bounded number of points, deterministically, keeping outliers', () => {
    const history = big(50_000);
    const started = performance.now();
    const html = renderHtml(history, results);
    const elapsed = performance.now() - started;
    expect(html.length).toBeLessThan(3 * 1024 * 1024);
    const svg = svgOf(html);
    const circles = count(svg, '<circle ');
    expect(circles).toBeGreaterThan(100);
    expect(circles).toBeLessThanOrEqual(4000);
    expect(html).toMatch(/Showing [\d,]+ points for 50,001 operations/);
    // The 30 s outlier is its own point (nothing else is near it).
    const outlier = history.operations.at(-1)!;
    expect(svg).toContain(`#${outlier.id} at 300.00s`);
    // Every outcome is still drawn.
    for (const outcome of ['ok', 'failed', 'indeterminate']) expect(svg).toContain(`<circle class="${outcome}"`);
    expect(count(svg, 'class="fault-band')).toBe(20);
    expect(renderHtml(history, results)).toBe(html);
    checkMarkup(svg, { html: false });
    expect(elapsed).toBeLessThan(20_000);
  });

  test('the cap is an option', () => {
    const svg = svgOf(renderHtml(big(5000), results, { maxPoints: 500 }));
    expect(count(svg, '<circle ')).toBeLessThanOrEqual(500);
  });
});

describe('mergePoints', () => {
  test('keeps everything under the cap and merges per outcome and cell above it', () => {
    const points = [
      { x: 0.5, y: 0.5, outcome: 'ok', latency: 1 },
      { x: 1.5, y: 1.5, outcome: 'ok', latency: 3 },
      { x: 1.0, y: 1.0, outcome: 'failed', latency: 2 },
      { x: 100, y: 100, outcome: 'ok', latency: 9 },
    ];
    expect(mergePoints(points, 10)).toMatchObject({ cell: 0, points: points.map((p) => ({ ...p, count: 1 })) });
    const merged = mergePoints(points, 3);
    expect(merged.cell).toBe(2);
    expect(merged.points).toEqual([
      { x: 0.5, y: 0.5, outcome: 'ok', latency: 1, count: 2, minLatency: 1, maxLatency: 3 },
      { x: 1.0, y: 1.0, outcome: 'failed', latency: 2, count: 1, minLatency: 2, maxLatency: 2 },
      { x: 100, y: 100, outcome: 'ok', latency: 9, count: 1, minLatency: 9, maxLatency: 9 },
    ]);
  });
});
