/** Storage rows to API types, for what real rows cannot show: the services query never returns a service without spans. */
import { toServiceSummary } from '../../../../viewer/query/rows';

test('a service carries its error rate, 0 for a service without spans rather than NaN', () => {
  expect(toServiceSummary({ name: 'a', spanCount: '4', errorCount: '1' })).toEqual({ name: 'a', spanCount: 4, errorCount: 1, errorRate: 0.25 });
  expect(toServiceSummary({ name: 'b', spanCount: '0', errorCount: '0' })).toEqual({ name: 'b', spanCount: 0, errorCount: 0, errorRate: 0 });
});
