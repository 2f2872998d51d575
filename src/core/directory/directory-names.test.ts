import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkCannedText,
  checkDeviceName,
  checkDirectoryNumber,
  checkMacAddress,
  checkPartitionName,
} from './directory-names.js';

describe('directory names', () => {
  const numbers: [string, boolean][] = [
    ['1001', true],
    ['+4930123456', true],
    ['*67#', true],
    ['', false],
    ['10 01', false],
    ['1001a', false],
    ['1'.repeat(25), false],
  ];
  for (const [input, ok] of numbers)
    it(`directory number ${JSON.stringify(input)} is ${ok ? 'accepted' : 'refused'}`, () =>
      assert.equal(checkDirectoryNumber(input).ok, ok));

  const macs: [string, string | null][] = [
    ['001122aabbcc', '001122AABBCC'],
    ['00:11:22:AA:BB:CC', '001122AABBCC'],
    ['00-11-22-aa-bb-cc', '001122AABBCC'],
    ['0011.22aa.bbcc', '001122AABBCC'],
    ['0011223344', null],
    ['00112233445G', null],
  ];
  for (const [input, expected] of macs)
    it(`MAC ${input} → ${expected ?? 'refused'}`, () => {
      const checked = checkMacAddress(input);
      assert.equal(checked.ok ? checked.value : null, expected);
    });

  it('partition and device names', () => {
    assert.equal(checkPartitionName('internal').ok, true);
    assert.equal(checkPartitionName('Branch_NY.1').ok, true);
    assert.equal(checkPartitionName('has space').ok, false);
    assert.equal(checkPartitionName('').ok, false);
    assert.equal(checkDeviceName('SEP001122334455').ok, true);
    assert.equal(checkDeviceName('../etc').ok, false);
  });

  it('canned text is one short line', () => {
    assert.equal(checkCannedText('On my way').ok, true);
    assert.equal(checkCannedText('  ').ok, false);
    assert.equal(checkCannedText('two\nlines').ok, false);
    assert.equal(checkCannedText('x'.repeat(161)).ok, false);
  });
});
