/**
 * A tiny SNTP server for tests (RFC 4330, server mode 4): it answers every
 * client request on an unprivileged loopback UDP port with the host's time,
 * so a guest booted in 1970 can set its clock from 10.0.2.2:<port>.
 *
 *   const sntp = await startSntpResponder();
 *   // spec: time: { servers: ["10.0.2.2:${sntp.port}"] }
 *   await sntp.close();
 */
import { createSocket } from 'node:dgram';

/** Seconds from the NTP era (1900) to the Unix epoch (1970). */
const ntpEpochOffset = 2_208_988_800;

/** Writes `ms` since the Unix epoch as a 64-bit NTP timestamp at `offset`. */
function writeTimestamp(packet: Buffer, offset: number, ms: number): void {
  const seconds = Math.floor(ms / 1000);
  packet.writeUInt32BE(seconds + ntpEpochOffset, offset);
  packet.writeUInt32BE(Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32), offset + 4);
}

/** The answer to one client request: a stratum-1 server whose clock is the host's. */
export function sntpReply(request: Buffer, receivedMs: number, nowMs: number): Buffer | undefined {
  // Mode 3 (client) only, and at least the 48-byte header.
  if (request.length < 48 || (request[0]! & 0x07) !== 3) return undefined;
  const version = (request[0]! >> 3) & 0x07;
  const reply = Buffer.alloc(48);
  reply[0] = (0 << 6) | (version << 3) | 4; // leap: none, the client's version, mode 4 (server)
  reply[1] = 1; // stratum 1: a primary reference, so the client trusts it at once
  reply[2] = request[2]!; // poll, echoed
  reply[3] = 0xec; // precision 2^-20 s
  reply.writeUInt32BE(0, 4); // root delay
  reply.writeUInt32BE(0x10, 8); // root dispersion: a fraction of a millisecond
  reply.write('LOCL', 12, 'ascii');
  writeTimestamp(reply, 16, nowMs); // reference: the clock was set just now
  request.copy(reply, 24, 40, 48); // originate: the client's transmit time, which it checks
  writeTimestamp(reply, 32, receivedMs);
  writeTimestamp(reply, 40, nowMs);
  return reply;
}

export interface SntpResponder {
  port: number;
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/** Starts answering on 127.0.0.1 (QEMU's user network forwards the guest's 10.0.2.2 there). */
export function startSntpResponder(): Promise<SntpResponder> {
  const socket = createSocket('udp4');
  let answered = 0;
  socket.on('message', (request, peer) => {
    const reply = sntpReply(request, Date.now(), Date.now());
    if (!reply) return;
    answered++;
    socket.send(reply, peer.port, peer.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      resolve({
        port: socket.address().port,
        get answered() {
          return answered;
        },
        close: () => new Promise((done) => socket.close(() => done())),
      });
    });
  });
}
