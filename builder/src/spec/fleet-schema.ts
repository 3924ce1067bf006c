/**
 * The spec's `fleet:` and `time:` sections: the fleet server a device's agent
 * dials out to, with the files that make it trust the server and be trusted,
 * and where the device gets its time (a device without a battery boots in
 * 1970, and every certificate check fails until the clock is set).
 *
 *   fleet:
 *     server: fleet.lan:8443
 *     ca: fleet-ca.pem
 *     token: line-3.token
 *   time:
 *     servers: [10.0.0.1, ntp.lan:1123]
 */
import { z } from 'zod';
import { maxPollWaitSeconds } from '../../../contract/index.ts';

/** A DNS name (letters, digits, "-", dot-separated labels) or an IPv4 address. */
const hostPattern = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** `host:port`, the way every server is written in a spec: never a URL, the agent and ntpd add what they speak. */
export interface HostPort {
  host: string;
  port: number;
}

/** Splits `host` or `host:port`; undefined when it is neither (a scheme, a path, a bad port). */
export function parseHostPort(text: string, defaultPort?: number): HostPort | undefined {
  const match = /^([^:/\s]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match || !hostPattern.test(match[1]!)) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host: match[1]!, port };
}

/** The hint for a server written as a URL, which is the mistake people make most. */
function schemeHint(text: string, speaks: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? ` (without a scheme: ${speaks})` : '';
}

const fleetServer = z
  .string()
  .superRefine((text, context) => {
    if (parseHostPort(text)) return;
    context.addIssue({ code: 'custom', message: `expected host:port, such as fleet.lan:8443 or 10.0.0.1:8443${schemeHint(text, 'the agent always speaks HTTPS')}`, input: text });
  })
  .transform((text): HostPort => parseHostPort(text)!);

const timeServer = z.string().superRefine((text, context) => {
  if (parseHostPort(text, 123)) return;
  context.addIssue({ code: 'custom', message: `expected an NTP server as host or host:port, such as pool.ntp.lan or 10.0.0.1:123${schemeHint(text, 'ntpd speaks NTP')}`, input: text });
});

export const fleetSchema = z
  .strictObject({
    server: fleetServer.describe('Required. The fleet server as host:port (a host name or IPv4 address, no scheme), e.g. fleet.lan:8443. The agent always dials out.'),
    name: z
      .string()
      .regex(hostPattern, 'expected a host name such as fleet.lan')
      .optional()
      .describe("The name the server's certificate carries. Default: the host of server."),
    ca: z.string().min(1).describe('Required. The fleet CA certificate (PEM, from `imago fleet init`), relative to the spec: the agent trusts no other CA.'),
    token: z.string().min(1).describe('Required. The activation token file (from `imago fleet batch create`), relative to the spec: one line.'),
    identity: z
      .enum(['persistent', 'ephemeral'])
      .optional()
      .describe('persistent (default): the key and certificate are kept on the data partition, so the image needs one (update:); ephemeral: kept in RAM, the device activates again at each boot.'),
    poll_wait: z
      .number()
      .int()
      .min(1)
      .max(maxPollWaitSeconds)
      .optional()
      .describe(`Seconds the server may hold the agent's long poll open, 1 to ${maxPollWaitSeconds}. Default 25.`),
  })
  .describe('Fleet management: an agent, supervised as the service fleet-agent, activates the device with the token and keeps an outbound mutual-TLS channel to the server.');

export const timeSchema = z
  .strictObject({
    servers: z
      .array(timeServer)
      .optional()
      .describe('NTP servers as host or host:port (default port 123). Default: none; the servers DHCP offers (option 42) are always used too.'),
  })
  .describe('Setting the clock: BusyBox ntpd supervised as the service time, ready once the clock is set; services that need the time depend on it with condition ready.');

export type FleetSpec = z.output<typeof fleetSchema>;
export type TimeSpec = z.output<typeof timeSchema>;
