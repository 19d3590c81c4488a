/** A local port on 127.0.0.1 whose connections are carried over SSH to a port on the server's loopback. */
import net from 'node:net';
import { forwardOut } from '../ssh/ssh-connect';
import type { SshConnection } from '../ssh/ssh-connection';
import type { PortForward } from './host';

/** Listen on a free local port; each accepted socket gets its own direct-tcpip channel. */
export async function forwardLocalPort(connection: SshConnection, remotePort: number): Promise<PortForward> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void connection
      .withClient((client) => forwardOut(client, '127.0.0.1', remotePort))
      .then(
        (channel) => {
          if (socket.destroyed) return void channel.close();
          channel.on('error', () => socket.destroy());
          channel.once('close', () => socket.destroy());
          socket.once('close', () => channel.close());
          socket.pipe(channel).pipe(socket);
        },
        () => socket.destroy(),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const localPort = (server.address() as net.AddressInfo).port;
  return {
    localPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
