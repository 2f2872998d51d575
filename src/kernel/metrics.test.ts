import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from './metrics.js';

/** The value of the series `name{transport="label"}` in a rendering, or undefined when absent. */
const seriesValue = (text: string, name: string, label: string): number | undefined => {
  const prefix = `${name}{transport="${label}"} `;
  const found = text.split('\n').find((l) => l.startsWith(prefix));
  return found === undefined ? undefined : Number(found.slice(prefix.length));
};

describe('Metrics.tally', () => {
  it('counts by label and shows the counts when the metrics are read, adding up across reads', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const received = metrics.tally('test_received_total', 'messages received', 'transport');
    received.add('udp');
    received.add('udp');
    received.add('tcp');
    let text = await metrics.render();
    assert.match(text, /# TYPE test_received_total counter/);
    assert.deepEqual(
      ['udp', 'tcp'].map((label) => seriesValue(text, 'test_received_total', label)),
      [2, 1],
    );
    received.add('udp');
    text = await metrics.render();
    assert.deepEqual(
      ['udp', 'tcp', 'ws'].map((label) => seriesValue(text, 'test_received_total', label)),
      [3, 1, undefined],
      'added up across reads; nothing counted, no series',
    );
  });
});
