import { describe, expect, test } from 'vitest';
import { formatFigure, formatFixed, formatShort } from '../../harness/units.ts';

describe('formatFixed: tables and charts', () => {
  test.each([
    [null, '—'],
    [undefined, '—'],
    [0, '0'],
    [1234.5, '1235'],
    [123.4, '123'],
    [12.34, '12.3'],
    [1.234, '1.23'],
    [2, '2.00'],
    [0.1234, '0.12'],
    [-12.34, '-12.3'],
  ])('%s → %s', (v, shown) => {
    expect(formatFixed(v)).toBe(shown);
  });
});

describe('formatShort: figures in sentences', () => {
  test.each([
    [1.5, '1.5'],
    [31, '31'],
    [0.12345, '0.123'],
    [99.95, '100'],
    [1252.4, '1252'],
    [4096, '4096'],
    [-0.5, '-0.5'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%s → %s', (v, shown) => {
    expect(formatShort(v)).toBe(shown);
  });
  test('more digits on request: whole from 10^(digits − 1) up', () => {
    expect(formatShort(2.34567, 4)).toBe('2.346');
    expect(formatShort(12345.6, 4)).toBe('12346');
    expect(formatShort(999.94, 4)).toBe('999.9');
  });
});

describe('formatFigure: counts read as whole numbers', () => {
  test('a whole count of requests, crashes, endpoints or threads has no decimals', () => {
    expect(formatFigure(4, 'requests')).toBe('4');
    expect(formatFigure(0, 'crashes')).toBe('0');
    expect(formatFigure(123456, 'endpoints')).toBe('123456');
    expect(formatFigure(3, 'threads')).toBe('3');
  });

  test('anything else as formatFixed: a mean of counts, another unit, no value', () => {
    expect(formatFigure(2.5, 'requests')).toBe('2.50');
    expect(formatFigure(4, 's')).toBe('4.00');
    expect(formatFigure(4, undefined)).toBe('4.00');
    expect(formatFigure(null, 'requests')).toBe('—');
  });
});
