import test from 'ava';
import { caseInsensitivePattern } from './case-insensitive-pattern.ts';

/** Each pattern, what it becomes, and strings the rewritten form must accept and reject like the flagged one. */
const cases: { source: string; expected: string; samples: string[] }[] = [
  { source: '^\\d+(\\.\\d+)?\\s*([kmg]i?b?|b)?$', expected: '^\\d+(\\.\\d+)?\\s*([kmgKMG][iI]?[bB]?|[bB])?$', samples: ['64M', '1g', '512KiB', '3 Mb', '10', '1T', 'M', '1.5G'] },
  { source: '^[a-z_][a-z0-9]{0,3}$', expected: '^[a-z_A-Z][a-z0-9A-Z]{0,3}$', samples: ['ab', 'AB1', '_x', '1a', 'abcde'] },
  { source: '^[^x]\\u0041[\\x62]\\d$', expected: '^[^xX][\\u0041a][\\x62B]\\d$', samples: ['aAb1', 'XaB2', 'xAA1', 'aab', 'aaBd'] },
  { source: '^(?<unit>ms|s)\\p{L}$', expected: '^(?<unit>[mM][sS]|[sS])\\p{L}$', samples: ['MSé', 'sx', 'ms1'] },
];

for (const { source, expected, samples } of cases) {
  test(`case-insensitive pattern: ${source}`, (t) => {
    const rewritten = caseInsensitivePattern(source);
    t.is(rewritten, expected);
    for (const sample of samples) {
      t.is(new RegExp(rewritten, 'u').test(sample), new RegExp(source, 'iu').test(sample), `"${sample}"`);
    }
  });
}
