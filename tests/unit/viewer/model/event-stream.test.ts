import { EventStreamParser, RateMeter, tailEventOf } from '../../../../viewer/model/event-stream';

test('events split anywhere across chunks come out whole', () => {
  const text = 'retry: 2000\nevent: hello\ndata: {"source":"writer","delayMs":0,"maxRate":100}\n\n: a comment\n\nevent: span\ndata: {"a":1}\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new EventStreamParser();
    const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    expect(events).toEqual([
      { event: 'hello', data: '{"source":"writer","delayMs":0,"maxRate":100}' },
      { event: 'span', data: '{"a":1}' },
    ]);
  }
});

test('CRLF and CR line ends, several data lines, and an event without a name', () => {
  const parser = new EventStreamParser();
  expect(parser.push('data: one\r\ndata:two\r\r\ndata: x\r')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  expect(parser.push('\n\n')).toEqual([{ event: 'message', data: 'x' }]);
});

test('the tail reads hello and span events and leaves others alone', () => {
  expect(tailEventOf({ event: 'hello', data: '{"source":"poll","delayMs":11000,"maxRate":5}' })).toEqual({ type: 'hello', hello: { source: 'poll', delayMs: 11000, maxRate: 5 } });
  expect(tailEventOf({ event: 'span', data: '{"spanId":"ab"}' })).toEqual({ type: 'span', span: { spanId: 'ab' } });
  expect(tailEventOf({ event: 'later', data: 'x' })).toEqual({ type: 'other', event: { event: 'later', data: 'x' } });
});

test('the rate counts the spans events stand for over the window', () => {
  const meter = new RateMeter(5000);
  meter.add(1000, 10);
  meter.add(2000, 40);
  expect(meter.perSecond(3000)).toBe(10);
  expect(meter.perSecond(6500)).toBe(8);
  expect(meter.perSecond(8000)).toBe(0);
});
