/**
 * The physical floor of the live path: a bare `ws` server that takes a message in, numbers it
 * (`{"rev":N,…}`, as the product numbers revisions, so viewers can check order) and broadcasts
 * it to every connected client (the sender included, standing in for its ack). Same library,
 * same loopback, same kind of process as the product; no parsing, no database.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
let rev = 0;
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const out = Buffer.concat([Buffer.from(`{"rev":${++rev},`), data.subarray(1)]);
    for (const client of wss.clients)
      if (client.readyState === client.OPEN) client.send(out, { binary: false });
  });
});
wss.on('listening', () => {
  const addr = wss.address();
  console.log(`relay listening ${addr && typeof addr === 'object' ? addr.port : addr}`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
