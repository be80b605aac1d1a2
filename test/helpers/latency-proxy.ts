/** A loopback proxy that holds each request for a fixed delay: a server across a network, for the bench and tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  url: string;
  requests: () => number;
  stop: () => Promise<void>;
}

/** A proxy to `target` (an origin) that holds each request `delayMs` before forwarding it; counts the requests. */
export async function startLatencyProxy(target: string, delayMs: number): Promise<LatencyProxy> {
  const origin = new URL(target);
  let count = 0;
  // Keep-alive to the server, as a vendor's load balancer would; the delay is the network's, not the connection's.
  // Idle connections are let go before the server's keep-alive timeout (Node's default: 5 s) can close them.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });
  const server = http.createServer((req, res) => {
    count++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (retry: boolean) => {
        const upstream = http.request(
          { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host }, agent },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        // A kept-alive connection the server closed as the request left on it: the request never reached the server,
        // so it is sent again on a new one (as a load balancer does); any other error reaches the client.
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          if (retry && upstream.reusedSocket && !res.headersSent && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) send(false);
          else res.destroy();
        });
        upstream.end(Buffer.concat(chunks));
      };
      setTimeout(() => send(true), delayMs);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
