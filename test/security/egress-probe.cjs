// Preloaded (--require) into a process under test: records every outbound TCP connection, datagram and
// DNS lookup it makes to the file in EGRESS_LOG, one JSON line each, so a test can see where it called.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const dgram = require('node:dgram');

const file = process.env.EGRESS_LOG;
const note = (kind, target) => fs.appendFileSync(file, `${JSON.stringify({ kind, target })}\n`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // Node passes its normalised arguments ([options, callback]) internally, or (port, host) / (options).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const o = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (o.path)
    note('ipc', o.path); // a local socket file (tsx's own), not the network
  else note('tcp', `${o.host ?? 'localhost'}:${o.port}`);
  return connect.apply(this, args);
};
for (const api of [dns, dns.promises]) {
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
    const original = api[name];
    api[name] = function (host, ...rest) {
      note('dns', host);
      return original.call(this, host, ...rest);
    };
  }
}
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  note('udp', String(args.find((a) => typeof a === 'string') ?? '?'));
  return send.apply(this, args);
};
