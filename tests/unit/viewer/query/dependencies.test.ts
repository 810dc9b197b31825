import { serviceCalls } from '../../../../viewer/query/dependencies';

test("Jaeger's links: calls summed per parent and child, whatever the kind of edge", () => {
  expect(
    serviceCalls([
      { parent: 'web', child: 'shop', calls: '3' },
      { parent: 'web', child: 'shop', calls: '2' },
      { parent: 'shop', child: 'db', calls: '7' },
    ]),
  ).toEqual([
    { parent: 'web', child: 'shop', callCount: 5 },
    { parent: 'shop', child: 'db', callCount: 7 },
  ]);
  expect(serviceCalls([])).toEqual([]);
});
