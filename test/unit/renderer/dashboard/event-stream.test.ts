// The dashboard's event stream decides from the hello whether to resume or re-read: the same
// event stream resumes where the page was (the server replays what it missed), another stream
// (the instance's seqs started over after a run that did not stop cleanly) or a lower seq (a
// replaced store) makes it re-read everything and skip what the old seqs would have wrongly
// matched.
import { expect, test } from 'vitest';
import { EventStream } from '../../../../renderer/src/dashboard/event-stream';

/** A socket the test drives: it opens at once and delivers what the test says. */
function fakeSocket() {
  const sent: string[] = [];
  const socket = {
    readyState: 1,
    binaryType: 'blob',
    onmessage: undefined as ((message: { data: unknown }) => void) | undefined,
    onopen: undefined as (() => void) | undefined,
    onclose: undefined as (() => void) | undefined,
    onerror: undefined as (() => void) | undefined,
    send: (text: string) => sent.push(text),
    close: () => undefined,
    say: (message: object) => socket.onmessage?.({ data: JSON.stringify(message) }),
  };
  return socket;
}

function streamServedAt(seq: number, stream: string | undefined) {
  const socket = fakeSocket();
  const urls: string[] = [];
  const events = new EventStream(
    (since) => `ws://instance/coin/websocket?hello=1&since=${since}`,
    (url) => (urls.push(url), socket as unknown as WebSocket),
    seq,
    stream,
  );
  const seen: number[] = [];
  let resyncs = 0;
  events.listen({ event: (e) => seen.push(e.seq), resync: () => resyncs++ });
  events.start();
  return { socket, urls, events, seen, resyncs: () => resyncs };
}

test('the same stream resumes: what the server replays after the page is taken, no re-read', () => {
  const { socket, urls, events, seen, resyncs } = streamServedAt(10, 'run-a');
  expect(urls[0]).toContain('since=10');
  socket.say({ kind: 'hello', lastSeq: 12, stream: 'run-a' });
  socket.say({ seq: 11, kind: 'task.state', subject: 't', payload: {} });
  socket.say({ seq: 12, kind: 'task.state', subject: 't', payload: {} });
  expect(seen).toEqual([11, 12]);
  expect(resyncs()).toBe(0);
  expect(events.status).toBe('live');
});

test('another stream re-reads everything, even when its seqs are already past the page', () => {
  const { socket, events, seen, resyncs } = streamServedAt(10, 'run-a');
  socket.say({ kind: 'hello', lastSeq: 14, stream: 'run-b' });
  expect(resyncs()).toBe(1);
  expect(events.lastSeq).toBe(14);
  // replayed after the hello: seqs the new run gave to other events, covered by the re-read
  socket.say({ seq: 11, kind: 'task.state', subject: 't', payload: {} });
  socket.say({ seq: 15, kind: 'task.state', subject: 't', payload: {} });
  expect(seen).toEqual([15]);
});

test('a page that was not told its stream takes the first hello as it, as before', () => {
  const { socket, seen, resyncs } = streamServedAt(10, undefined);
  socket.say({ kind: 'hello', lastSeq: 12, stream: 'run-a' });
  socket.say({ seq: 11, kind: 'task.state', subject: 't', payload: {} });
  expect(seen).toEqual([11]);
  expect(resyncs()).toBe(0);
  // a lower seq still means a replaced store
  socket.say({ kind: 'hello', lastSeq: 3, stream: 'run-a' });
  expect(resyncs()).toBe(1);
});
