/** The `ppmat simulate` option parsers: tenant size, latency, rates and families. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseFamiliesOption, parseLatencyOption, parsePositiveOption, parseRateOption, parseSizeOption } from '../../src/cli/simulate.command.js';

describe('simulate options', () => {
  it.each([
    ['12', { environments: 12 }],
    ['10000,100000', { environments: 10_000, apps: 100_000 }],
    ['10000,100000,200000', { environments: 10_000, apps: 100_000, flows: 200_000 }],
    ['10000, 100000, 200000, 50', { environments: 10_000, apps: 100_000, flows: 200_000, policies: 50 }],
  ])('--size %s', (value, expected) => {
    expect(parseSizeOption(value)).toEqual(expected);
  });

  it.each(['', '0', '1,2,3,4,5', 'ten', '12,-1'])('refuses --size %j', (value) => {
    expect(() => parseSizeOption(value)).toThrow(InvalidArgumentError);
  });

  it('parses latency, rates, positive numbers and families', () => {
    expect(parseLatencyOption('50')).toBe(50);
    expect(parseLatencyOption('20-80')).toEqual({ min: 20, max: 80 });
    expect(() => parseLatencyOption('fast')).toThrow(InvalidArgumentError);
    expect(parseRateOption('0.05')).toBe(0.05);
    expect(() => parseRateOption('1.5')).toThrow(InvalidArgumentError);
    expect(parsePositiveOption('2000')).toBe(2000);
    expect(() => parsePositiveOption('0')).toThrow(InvalidArgumentError);
    expect(parseFamiliesOption('powerPagesSites, dataverse,')).toEqual(['powerPagesSites', 'dataverse']);
  });
});
