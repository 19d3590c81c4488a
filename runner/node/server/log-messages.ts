/**
 * The `{kind:'log'}` text messages of the event WebSocket (event-socket.ts) for clients that do
 * not take binary frames: lines batched into messages of a bounded size, overlong lines cut.
 */
import { isUtf8 } from 'node:buffer';

/** `{kind:'log'}` messages of at most about maxBytes each (a longer single line is cut). */
export function splitLog(workItemId: string, lines: readonly string[], maxBytes: number): string[] {
  const messages: string[] = [];
  let batch: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (batch.length) messages.push(JSON.stringify({ kind: 'log', workItemId, lines: batch }));
    batch = [];
    bytes = 0;
  };
  for (const line of lines) {
    const cut = line.length > maxBytes / 8 ? `${line.slice(0, maxBytes / 8)} …` : line;
    const size = Buffer.byteLength(JSON.stringify(cut)) + 1;
    if (bytes + size > maxBytes) flush();
    batch.push(cut);
    bytes += size;
  }
  flush();
  return messages;
}

/**
 * `{kind:'log'}` messages of a chunk of raw output (complete lines, as agents send them), cut at
 * newlines into pieces of about maxBytes. A piece of plain text (UTF-8 with no character JSON must
 * escape, no overlong line) is copied once into the message's bytes, each newline becoming `","`:
 * no string per line, no decoding, and the socket sends those bytes as they are. Any other piece
 * goes through the strings (splitLog, which cuts overlong lines).
 */
export function outputMessages(workItemId: string, bytes: Buffer, maxBytes: number): (string | Buffer)[] {
  const messages: (string | Buffer)[] = [];
  const plain = isUtf8(bytes);
  for (let start = 0; start < bytes.length;) {
    let end = bytes.length;
    if (end - start > maxBytes / 2) {
      const cut = bytes.lastIndexOf(newline, start + maxBytes / 2);
      end = cut >= start ? cut + 1 : start + maxBytes / 2;
    }
    const piece = bytes.subarray(start, end);
    const message = plain ? plainMessage(workItemId, piece, maxBytes / 8) : undefined;
    if (message) messages.push(message);
    else {
      const lines = piece
        .toString('utf8')
        .replace(/\r?\n$/, '')
        .split(/\r?\n/);
      if (lines.some((line) => line.length > maxBytes / 8))
        messages.push(...splitLog(workItemId, lines, maxBytes));
      else messages.push(JSON.stringify({ kind: 'log', workItemId, lines }));
    }
    start = end;
  }
  return messages;
}

const newline = 0x0a;
let scratch = Buffer.allocUnsafe(0);
// bytes a JSON string cannot hold as they are: controls (but \n, and \r, looked at on its own), " and \
const escaped = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) escaped[b] = 1;
escaped[newline] = 0;
escaped[0x0d] = 0;
escaped[0x22] = 1;
escaped[0x5c] = 1;

/** The message of a piece of valid UTF-8 as bytes, or undefined when a byte needs escaping or a line is longer than maxLine. */
function plainMessage(workItemId: string, piece: Buffer, maxLine: number): Buffer | undefined {
  const head = Buffer.from(`{"kind":"log","workItemId":${JSON.stringify(workItemId)},"lines":["`);
  if (scratch.length < head.length + piece.length * 3 + 3)
    scratch = Buffer.allocUnsafe(head.length + piece.length * 3 + 3);
  const out = scratch;
  let at = head.copy(out);
  let lineStart = 0;
  const last = piece[piece.length - 1] === newline ? piece.length - 1 : piece.length;
  for (let i = 0; i < last; i++) {
    const b = piece[i]!;
    if (b === newline) {
      if (i - lineStart > maxLine) return undefined;
      out[at++] = 0x22;
      out[at++] = 0x2c;
      out[at++] = 0x22;
      lineStart = i + 1;
    } else if (b === 0x0d) {
      // \r\n ends a line as \n does; a lone \r is escaped through the strings
      if (i + 1 >= piece.length || piece[i + 1] !== newline) return undefined;
    } else if (escaped[b]) return undefined;
    else out[at++] = b;
  }
  if (last - lineStart > maxLine) return undefined;
  at += out.write('"]}', at, 'latin1');
  // a copy of just the message: the scratch space is reused for the next piece
  return Buffer.from(out.subarray(0, at));
}
