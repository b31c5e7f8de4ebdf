/**
 * The physical floor of the live path: a bare `ws` server that takes a message in and
 * broadcasts it to every connected client (the sender included, standing in for its ack).
 * Same library, same loopback, same kind of process as the product; no parsing, no database.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    for (const client of wss.clients)
      if (client.readyState === client.OPEN) client.send(data, { binary: false });
  });
});
wss.on('listening', () => {
  const addr = wss.address();
  console.log(`relay listening ${addr && typeof addr === 'object' ? addr.port : addr}`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
