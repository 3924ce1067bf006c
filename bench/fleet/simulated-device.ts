/**
 * A simulated device for the fleet benchmark: its own P-256 key and CSR, a
 * real activation, and polls over mutual TLS with its own certificate, one
 * TLS connection per request as the real agent makes them. Only the agent's
 * logic is simulated; everything the server sees is real.
 */
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion, type Command, type CommandResult } from '../../contract/index.ts';
import { activationBody, deviceKeyAndCsr, sampleStatus, sendToFleet, type Reply } from '../../fleet/test/fleet-fixture.ts';

/** One request to the server on 127.0.0.1:port as `identity` (none: activation). */
export function send(port: number, ca: string, method: string, path: string, body: string | undefined, identity?: { cert: string; key: string }, timeoutMs = 120_000): Promise<Reply> {
  return sendToFleet({ port, ca, method, path, body, as: identity, timeoutMs });
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
    if (reply.status !== 200) throw new Error(`activation: HTTP ${reply.status} ${reply.text}`);
    this.id = reply.json.deviceId;
    this.identity!.cert = reply.json.certificate;
  }

  /** One poll with the status and results; resolves with the commands the server handed over. */
  async poll(wait: number, results: CommandResult[] = []): Promise<Command[]> {
    const reply = await send(this.port, this.ca, 'POST', fleetPaths.poll, JSON.stringify({ status: { ...sampleStatus, hostname: this.id }, results, wait }), this.identity, wait * 1000 + 30_000);
    if (reply.status !== 200) throw new Error(`poll: HTTP ${reply.status} ${reply.text}`);
    return reply.json.commands as Command[];
  }
}
