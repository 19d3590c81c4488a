/**
 * Agent -> master: a work item's raw output as one binary WebSocket message, so the hot path of
 * a chatty build is bytes end to end (no JSON escaping, no per-line strings on either side).
 * Layout: the byte 0x4f ('O'), the work item id's length as a big-endian uint16, the id in UTF-8,
 * then the output bytes exactly as they go into the log. The instance sends log viewers the same
 * frames (event-socket.ts, `binary=1`).
 */

const tag = 0x4f;

/** The bytes a frame for `workItemId` starts with: the output follows them. */
export function outputFrameHead(workItemId: string): Buffer {
  const id = Buffer.from(workItemId, 'utf8');
  if (id.length > 0xffff) throw new RangeError('work item id longer than 65535 bytes');
  const head = Buffer.allocUnsafe(3 + id.length);
  head[0] = tag;
  head.writeUInt16BE(id.length, 1);
  id.copy(head, 3);
  return head;
}

/** A binary output message for `workItemId` carrying `bytes`. */
export function encodeOutputFrame(workItemId: string, bytes: Uint8Array): Buffer {
  return Buffer.concat([outputFrameHead(workItemId), bytes]);
}

/** The work item and output of a binary message, or undefined when it is not an output frame. */
export function decodeOutputFrame(frame: Buffer): { workItemId: string; bytes: Buffer } | undefined {
  if (frame.length < 3 || frame[0] !== tag) return undefined;
  const idEnd = 3 + frame.readUInt16BE(1);
  if (idEnd > frame.length) return undefined;
  return { workItemId: frame.toString('utf8', 3, idEnd), bytes: frame.subarray(idEnd) };
}
