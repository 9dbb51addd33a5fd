/**
 * The bench's start-up and first-request sections (scripts/bench/report.ts) name each aim of issue
 * 26.5 met or missed from the figures they print: the verdict must follow the ratio, on both
 * sides of the aim, and a figure that could not be measured must not pass for a met aim.
 */
import { expect } from 'chai';
import { renderColdPaths, renderStartup } from '../../scripts/bench/report.js';

const startup = (serviceMs: number, floorMs: number) =>
  renderStartup({ medianMs: serviceMs, runs: [serviceMs], floorMedianMs: floorMs, floorRuns: [floorMs], peakRssMb: 80 }).join('\n');

describe('the bench report: start-up against its aims', () => {
  it('gives start-up as a ratio to the floor measured in the same rounds, and the 2x aim met or missed by it', () => {
    expect(startup(150, 80)).to.include('Start-up / floor: **1.88**').and.to.include('at most 2x (issue 26.5): **met**');
    expect(startup(160, 80)).to.include('**2.00**').and.to.include('**met**');
    expect(startup(552, 79)).to.include('**6.99**').and.to.include('**missed**');
    expect(startup(500, NaN)).to.include('**missed**');
  });

  it('gives each first request after /ready as a ratio to a warm one, and the 3x aim met or missed by it', () => {
    const rows = renderColdPaths([
      { kind: 'GET /query search', firstMs: 8, warmMs: 4 },
      { kind: 'POST /query', firstMs: 13, warmMs: 4 },
    ]).filter((line) => line.startsWith('| GET') || line.startsWith('| POST'));
    expect(rows).to.deep.equal(['| GET /query search | 8.0 | 4.0 | **2.00** | met |', '| POST /query | 13.0 | 4.0 | **3.25** | missed |']);
  });
});
