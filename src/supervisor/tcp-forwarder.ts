import net from 'node:net';

/**
 * The supervisor's public port. Every connection is piped, byte for byte, to the port of the
 * version serving now; while no version serves (a handover, a revert) new connections wait,
 * paused, and are piped as soon as one does. A connection is never refused for a switch: a client
 * sees a slow answer at most. Connections already piped stay on their version until it closes
 * them (it finishes their requests first), so HTTP, event streams and upgrades all pass alike.
 */
export class TcpForwarder {
  private readonly server = net.createServer((client) => this.route(client));
  private target: number | undefined;
  private readonly waiting = new Set<net.Socket>();
  private readonly open = new Set<net.Socket>();

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Sends new connections (and those waiting) to this loopback port; undefined: they wait. */
  point(port: number | undefined): void {
    this.target = port;
    if (port === undefined) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const client of waiting) this.route(client);
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  async close(): Promise<void> {
    for (const socket of [...this.waiting, ...this.open]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: net.Socket): void {
    if (client.destroyed) return;
    const target = this.target;
    if (target === undefined) {
      client.pause();
      this.waiting.add(client);
      client.once('close', () => this.waiting.delete(client));
      client.on('error', () => client.destroy());
      return;
    }
    let connected = false;
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    upstream.once('connect', () => {
      connected = true;
      this.open.add(client);
      client.once('close', () => this.open.delete(client));
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      // The version went away between pointing here and connecting: wait for the next one.
      if (!connected && !client.destroyed) {
        if (this.target === target) this.target = undefined;
        this.route(client);
        return;
      }
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    upstream.once('close', () => {
      if (connected) client.destroy();
    });
    client.once('close', () => {
      if (connected) upstream.destroy();
    });
  }
}
