/**
 * Activation: the device makes its key and a CSR, sends them with the batch
 * token to POST /v1/activate, and keeps the certificate it gets. An
 * unreachable server or a 5xx is retried with backoff; a 4xx is the server
 * refusing (token used up, expired, revoked): its reason is logged and the
 * agent asks again only hourly, so a refused device never crash-loops.
 */
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion, parseActivateResponse, parseErrorResponse, parseJson, ProtocolError, type ActivateRequest } from '../../../contract/index.ts';
import { Backoff, refusedRetryMs } from './backoff.ts';
import type { AgentCrypto } from './crypto.ts';
import type { AgentDeps } from './deps.ts';
import { bodyText, type HttpResponse } from './http-message.ts';
import { newKey, saveIdentity, type Identity } from './identity.ts';
import { TransportError, type Transport } from './transport.ts';

export const activationTimeoutMs = 30_000;

/** The server's reason in an error reply, or the status line when the body says nothing usable. */
export function refusalReason(response: HttpResponse): string {
  try {
    return parseErrorResponse(parseJson(bodyText(response), 'error reply')).error;
  } catch {
    return `HTTP ${response.status} ${response.reason}`.trim();
  }
}

export interface ActivationInput {
  stateDir: string;
  ca: string;
  token: string;
  request: Omit<ActivateRequest, 'token' | 'csr'>;
}

export async function activate(deps: AgentDeps, crypto: AgentCrypto, transport: Transport, input: ActivationInput): Promise<Identity> {
  const backoff = new Backoff(deps.random);
  const key = newKey(deps.files, crypto, input.stateDir);
  const csr = crypto.createCsr(key, 'CN=imago-device,O=imago');
  const body = JSON.stringify({ ...input.request, token: input.token, csr } satisfies ActivateRequest);
  for (;;) {
    let retryMs: number;
    try {
      const response = await transport.request(
        { method: 'POST', path: fleetPaths.activate, headers: { [fleetProtocolHeader]: String(fleetProtocolVersion) }, body },
        { timeoutMs: activationTimeoutMs },
      );
      if (response.status === 200) {
        const reply = parseActivateResponse(parseJson(bodyText(response), 'activation reply'));
        const why = crypto.verifyCertificate(reply.certificate, input.ca);
        if (why) throw new ProtocolError(`activation reply.certificate: not valid against the fleet CA: ${why}`);
        const identity = { deviceId: reply.deviceId, cert: reply.certificate, key };
        saveIdentity(deps.files, input.stateDir, identity);
        return identity;
      }
      if (response.status >= 400 && response.status < 500) {
        deps.log(`activation refused by the server (HTTP ${response.status}): ${refusalReason(response)}; asking again in an hour`);
        retryMs = refusedRetryMs;
      } else {
        retryMs = backoff.next();
        deps.log(`activation failed: the server answered HTTP ${response.status} (${refusalReason(response)}); retrying in ${Math.round(retryMs / 1000)} s`);
      }
    } catch (error) {
      if (!(error instanceof TransportError || error instanceof ProtocolError)) throw error;
      retryMs = backoff.next();
      deps.log(`activation failed: ${error.message}; retrying in ${Math.round(retryMs / 1000)} s`);
    }
    await deps.sleep(retryMs);
  }
}
