// The one rule both event clients apply to the server's hello (runner/core/event-resume.ts).
import { expect, test } from 'vitest';
import { afterHello } from '../../../../runner/core/event-resume';

test('resume within one stream, re-read on a first connection, a replaced store or another stream', () => {
  expect(afterHello({ seq: 10, stream: 'a' }, { lastSeq: 12, stream: 'a' })).toEqual({
    reread: false,
    position: { seq: 10, stream: 'a' },
  });
  expect(afterHello({ seq: undefined, stream: undefined }, { lastSeq: 12, stream: 'a' })).toEqual({
    reread: true,
    position: { seq: 12, stream: 'a' },
  });
  expect(afterHello({ seq: 10, stream: 'a' }, { lastSeq: 3, stream: 'a' })).toEqual({
    reread: true,
    position: { seq: 3, stream: 'a' },
  });
  // seqs past ours, but another run's: they may mean other events
  expect(afterHello({ seq: 10, stream: 'a' }, { lastSeq: 14, stream: 'b' })).toEqual({
    reread: true,
    position: { seq: 14, stream: 'b' },
  });
  // a position without a stream (a page not told it) adopts the hello's; an instance without one
  // keeps the client's
  expect(afterHello({ seq: 10, stream: undefined }, { lastSeq: 12, stream: 'a' }).reread).toBe(false);
  expect(afterHello({ seq: 10, stream: 'a' }, { lastSeq: 12 })).toEqual({
    reread: false,
    position: { seq: 10, stream: 'a' },
  });
});
