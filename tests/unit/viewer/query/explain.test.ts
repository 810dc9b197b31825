import { attributeScore, histogramBuckets, pathGrowth, rankAttributes, rankPaths, toExplain, type ExplainCandidateRow } from '../../../../viewer/query/explain';

const groups = { slow: 100, baseline: 1000 };

/** A candidate row as explain.sql returns it (counts as JSONEachRow strings). */
function row(overrides: Partial<ExplainCandidateRow>): ExplainCandidateRow {
  return { kind: 'attribute', scope: 'span', key: 'k', value: 'v', path: [], slowTraces: '0', baselineTraces: '0', slowOnSubject: '0', slowSelfNs: '0', baselineSelfNs: '0', ...overrides };
}
const attribute = (key: string, value: string, slow: number, baseline: number, onSubject = slow): ExplainCandidateRow =>
  row({ key, value, slowTraces: String(slow), baselineTraces: String(baseline), slowOnSubject: String(onSubject) });
const path = (steps: string[], slowSelfNs: number, baselineSelfNs: number, slow = 100, baseline = 1000): ExplainCandidateRow =>
  row({
    kind: 'path',
    key: '',
    value: '',
    path: steps.map((s) => s.split(' ') as [string, string]),
    slowSelfNs: String(slowSelfNs),
    baselineSelfNs: String(baselineSelfNs),
    slowTraces: String(slow),
    baselineTraces: String(baseline),
  });

describe('attributeScore', () => {
  test('is the difference of the shares', () => {
    expect(attributeScore(90, 100, groups).score).toBeCloseTo(0.9 - 0.1);
    expect(attributeScore(50, 500, groups).score).toBeCloseTo(0);
    expect(attributeScore(10, 500, groups).score).toBeCloseTo(-0.4);
  });

  test('lift is the ratio of the shares smoothed by one half', () => {
    expect(attributeScore(90, 100, groups).lift).toBeCloseTo(90.5 / 101 / (100.5 / 1001));
    // No baseline trace carries it: still finite.
    expect(Number.isFinite(attributeScore(2, 0, groups).lift)).toBe(true);
  });

  test('empty groups give shares of 0, not NaN', () => {
    expect(attributeScore(0, 5, { slow: 0, baseline: 10 }).score).toBeCloseTo(-0.5);
    expect(attributeScore(3, 0, { slow: 3, baseline: 0 }).score).toBe(1);
  });
});

describe('rankAttributes', () => {
  test('the cause of every slow trace comes before a rare value with a higher lift', () => {
    const ranked = rankAttributes([attribute('user.id', '42', 3, 0), attribute('region', 'eu-west', 95, 50), attribute('region', 'us-east', 5, 950)], groups);
    expect(ranked.map((a) => `${a.key}=${a.value}`)).toEqual(['region=eu-west', 'user.id=42']);
    expect(ranked[0]).toEqual({
      scope: 'span',
      key: 'region',
      value: 'eu-west',
      slow: { traces: 95, share: 0.95 },
      baseline: { traces: 50, share: 0.05 },
      score: expect.closeTo(0.9) as number,
      lift: expect.any(Number) as number,
      onMatchingSpan: true,
    });
  });

  test('values as common in the baseline are left out, and ties fall to lift, then key and value', () => {
    const ranked = rankAttributes([attribute('b', '1', 20, 100), attribute('a', '1', 20, 100), attribute('c', '1', 30, 200), attribute('same', 'x', 10, 100)], groups);
    // b, a and c share a score of 0.1; c is carried by more baseline traces, so its lift is lower.
    expect(ranked.map((a) => a.key)).toEqual(['a', 'b', 'c']);
  });

  test('onMatchingSpan: a matching span carried it in more than half the slow traces that carry it', () => {
    const [onSpan, downstream] = rankAttributes([attribute('a', '1', 80, 0, 41), attribute('b', '1', 79, 0, 39)], groups);
    expect([onSpan!.onMatchingSpan, downstream!.onMatchingSpan]).toEqual([true, false]);
  });

  test('resource scope is kept, and the list is cut at the top', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ ...attribute('host', `h${i}`, 50 - i, 0), scope: 'resource' }));
    const ranked = rankAttributes(rows, groups, 5);
    expect(ranked.map((a) => a.value)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(ranked.every((a) => a.scope === 'resource')).toBe(true);
  });
});

describe('pathGrowth and rankPaths', () => {
  test('growth is the average self time per trace of each group, slow minus baseline', () => {
    expect(pathGrowth(100 * 300e6, 1000 * 10e6, groups)).toEqual({ slowAvgSelfNs: 300e6, baselineAvgSelfNs: 10e6, growthNs: 290e6 });
    expect(pathGrowth(5, 5, { slow: 0, baseline: 0 })).toEqual({ slowAvgSelfNs: 0, baselineAvgSelfNs: 0, growthNs: 0 });
  });

  test('the path that grows most comes first; paths that do not grow are left out', () => {
    const ranked = rankPaths(
      [
        path(['web GET', 'db query'], 100 * 20e6, 1000 * 19e6),
        path(['web GET', 'payments charge'], 100 * 250e6, 1000 * 5e6, 100, 50),
        path(['web GET'], 100 * 1e6, 1000 * 1e6),
        path(['web GET', 'cache get'], 100 * 1e6, 1000 * 2e6),
      ],
      groups,
    );
    expect(ranked.map((p) => p.path.map((s) => `${s.service} ${s.operation}`).join(' > '))).toEqual(['web GET > payments charge', 'web GET > db query']);
    expect(ranked[0]).toMatchObject({ slowAvgSelfNs: 250e6, baselineAvgSelfNs: 5e6, growthNs: 245e6, slow: { traces: 100, share: 1 }, baseline: { traces: 50, share: 0.05 } });
  });
});

describe('histogramBuckets', () => {
  test('quarter-octave buckets in order, their bounds in ns, empty ones left out', () => {
    expect(histogramBuckets({ '81': '3', '80': 7, '100': '0' })).toEqual([
      { fromNs: 2 ** 20, toNs: Math.round(2 ** 20.25), count: 7 },
      { fromNs: Math.round(2 ** 20.25), toNs: Math.round(2 ** 20.5), count: 3 },
    ]);
  });
});

describe('toExplain', () => {
  const durations = { traces: '1000', p95Ns: '268000000', thresholdNs: '268000000', slow: '50', histogram: { '112': '1000' } };

  test('counts, threshold, sample and ranked lists', () => {
    const total = row({ kind: 'total', key: '', value: '', slowTraces: '50', baselineTraces: '950' });
    const answer = toExplain(durations, [total, attribute('region', 'eu-west', 50, 10)], false);
    expect(answer).toMatchObject({
      thresholdNs: '268000000',
      thresholdSource: 'p95',
      p95Ns: '268000000',
      traces: { matching: 1000, slow: 50, baseline: 950 },
      sampled: { slow: 50, baseline: 950 },
      warnings: [],
    });
    expect(answer.attributes.map((a) => a.value)).toEqual(['eu-west']);
    expect(answer.histogram).toHaveLength(1);
  });

  test('says why there is nothing to compare', () => {
    expect(toExplain(undefined, [], false).warnings).toEqual(['No trace matches the search in this range.']);
    expect(toExplain({ ...durations, traces: '0', slow: '0', histogram: {} }, [], true)).toMatchObject({ thresholdNs: '0', thresholdSource: 'given', traces: { matching: 0 } });
    const none = row({ kind: 'total', slowTraces: '0', baselineTraces: '1000' });
    expect(toExplain({ ...durations, slow: '0' }, [none], true).warnings).toEqual(['No trace reaches the threshold: lower it to compare.']);
    const all = row({ kind: 'total', slowTraces: '1000', baselineTraces: '0' });
    expect(toExplain(durations, [all], true).warnings).toEqual(['Every trace reaches the threshold: raise it to compare.']);
    const few = row({ kind: 'total', slowTraces: '5', baselineTraces: '995' });
    expect(toExplain(durations, [few], true).warnings).toEqual(['Only 5 slow traces: their shares are rough.']);
  });
});
