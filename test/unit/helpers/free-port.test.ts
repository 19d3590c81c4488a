import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort, isPortClosed } from '../../helpers/free-port';

describe('freeLoopbackPort', () => {
  it('returns a port that can be bound, and isPortClosed follows the listener', async () => {
    const port = await freeLoopbackPort();
    expect(port).toBeGreaterThan(0);
    expect(await isPortClosed(port)).toBe(true);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortClosed(port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortClosed(port)).toBe(true);
  });
});
