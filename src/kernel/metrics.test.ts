import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from './metrics.js';

const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe('Metrics.tally', () => {
  it('counts by label and shows the counts when the metrics are read, adding up across reads', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const received = metrics.tally('test_received_total', 'messages received', 'transport');
    received.add('udp');
    received.add('udp');
    received.add('tcp');
    let text = await metrics.render();
    assert.match(text, /# TYPE test_received_total counter/);
    assert.equal(
      line(text, 'test_received_total{transport="udp"}'),
      'test_received_total{transport="udp"} 2',
    );
    assert.equal(
      line(text, 'test_received_total{transport="tcp"}'),
      'test_received_total{transport="tcp"} 1',
    );
    received.add('udp');
    text = await metrics.render();
    assert.equal(
      line(text, 'test_received_total{transport="udp"}'),
      'test_received_total{transport="udp"} 3',
    );
    assert.equal(
      line(text, 'test_received_total{transport="tcp"}'),
      'test_received_total{transport="tcp"} 1',
    );
    assert.equal(line(text, 'test_received_total{transport="ws"}'), undefined, 'nothing counted, no series');
  });
});
