/**
 * A simulated device for the fleet benchmark: its own P-256 key and CSR, a
 * real activation, and polls over mutual TLS with its own certificate, one
 * TLS connection per request as the real agent makes them. Only the agent's
 * logic is simulated; everything the server sees is real.
 */
import { request } from 'node:https';
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion, type Command, type CommandResult } from '../../contract/index.ts';
import { activationBody, deviceKeyAndCsr, sampleStatus } from '../../fleet/test/fleet-fixture.ts';

export interface Reply {
  status: number;
  json: any;
}

/** One HTTPS request to 127.0.0.1:port, trusting only the fleet CA. */
export function send(port: number, ca: string, method: string, path: string, body: string | undefined, identity?: { cert: string; key: string }, timeoutMs = 120_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, ca, servername: 'localhost', agent: false, timeout: timeoutMs, headers: { [fleetProtocolHeader]: String(fleetProtocolVersion) }, ...identity },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export class SimulatedDevice {
  id = '';
  private identity?: { cert: string; key: string };
  private csr = '';

  constructor(
    readonly port: number,
    private readonly ca: string,
  ) {}

  /** Makes the key and CSR (kept out of the timed activation, as a device does it before it dials). */
  async prepare(): Promise<void> {
    const { keyPem, csrPem } = await deviceKeyAndCsr();
    this.identity = { cert: '', key: keyPem };
    this.csr = csrPem;
  }

  async activate(token: string): Promise<void> {
    const reply = await send(this.port, this.ca, 'POST', fleetPaths.activate, activationBody(token, this.csr, { hostname: 'bench' }));
    if (reply.status !== 200) throw new Error(`activation: HTTP ${reply.status} ${JSON.stringify(reply.json)}`);
    this.id = reply.json.deviceId;
    this.identity!.cert = reply.json.certificate;
  }

  /** One poll with the status and results; resolves with the commands the server handed over. */
  async poll(wait: number, results: CommandResult[] = []): Promise<Command[]> {
    const reply = await send(this.port, this.ca, 'POST', fleetPaths.poll, JSON.stringify({ status: { ...sampleStatus, hostname: this.id }, results, wait }), this.identity, wait * 1000 + 30_000);
    if (reply.status !== 200) throw new Error(`poll: HTTP ${reply.status} ${JSON.stringify(reply.json)}`);
    return reply.json.commands as Command[];
  }
}
