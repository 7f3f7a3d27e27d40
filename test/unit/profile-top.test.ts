import { topSelfTime } from '../../bench/profile-top';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('topSelfTime', () => {
  // root → parse (self) → encode (self); idle and program samples are not work.
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('parse', 'file:///app/src/record/user-record.ts', 120), children: [3] },
      { id: 3, callFrame: frame('encode', 'file:///app/node_modules/cassandra-driver/lib/encoder.js', 9) },
      { id: 4, callFrame: frame('(idle)') },
      { id: 5, callFrame: frame('(program)') },
    ],
    startTime: 0,
    endTime: 1000,
    samples: [2, 3, 3, 3, 4, 5, 2],
    timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100],
  };

  it('ranks functions by their own time, leaving idle and program time out, per row when rows are given', () => {
    const summary = topSelfTime(profile, 10, 100);
    expect(summary.functions.map((f) => [f.fn, f.selfUs, f.usPerRow])).toEqual([
      ['encode (cassandra-driver/lib/encoder.js:10)', 300, 3],
      [expect.stringMatching(/^parse \(.*user-record\.ts:121\)$/), 200, 2],
    ]);
    expect(summary.busyUs).toBe(500);
    expect(summary.busyUsPerRow).toBe(5);
    expect(summary.functions[0]!.share).toBeCloseTo(300 / 700, 3);
  });

  it('keeps only the top N', () => {
    expect(topSelfTime(profile, 1).functions).toHaveLength(1);
  });
});
