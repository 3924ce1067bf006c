/**
 * The long-poll to /v1/device/poll: each poll carries the status and the
 * finished results, the server holds it until a command waits, and the
 * commands it returns are started. Network trouble and 5xx back off; a 403
 * (device revoked) or other refusal is logged and retried hourly.
 */
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion, parseJson, parsePollResponse, ProtocolError, type DeviceStatus, type PollRequest } from '../../../contract/index.ts';
import { refusalReason } from './activation.ts';
import { Backoff, refusedRetryMs } from './backoff.ts';
import type { CommandRunner } from './commands.ts';
import type { AgentDeps } from './deps.ts';
import { bodyText } from './http-message.ts';
import { TransportError, type ClientIdentity, type Transport } from './transport.ts';

/** Beyond the server's hold, time for the answer to travel. */
export const pollSlackMs = 30_000;
/** How long a poll waits for the commands it just started before polling again. */
export const quickCommandMs = 2000;
/** The longest hold asked for while an update's outcome is still to come, so it reaches the server within moments. */
export const outcomePendingWaitSeconds = 3;

export interface PollLoopInput {
  deps: AgentDeps;
  transport: Transport;
  identity: ClientIdentity;
  runner: CommandRunner;
  /** The current status; rejects when the init cannot be asked (the poll then waits and tries again). */
  status(): Promise<DeviceStatus>;
  /** Results that are only known after a status (an update's outcome after its reboot). */
  outcomes?(status: DeviceStatus): void;
  /** Whether an outcome is still to come (an update on trial): polls are then held briefly. */
  outcomePending?(): boolean;
  waitSeconds: number;
  serverName: string;
  /** Test hook: stop after this many polls. */
  maxPolls?: number;
}

export async function pollLoop(input: PollLoopInput): Promise<void> {
  const { deps, transport, identity, runner } = input;
  const backoff = new Backoff(deps.random);
  let connected = false;
  for (let polls = 0; input.maxPolls === undefined || polls < input.maxPolls; polls++) {
    let status: DeviceStatus;
    try {
      status = await input.status();
    } catch (error) {
      deps.log(`cannot read the device's status from the init: ${error instanceof Error ? error.message : String(error)}; retrying in 5 s`);
      await deps.sleep(5000);
      continue;
    }
    input.outcomes?.(status);
    const results = runner.takeResults();
    // With results to hand in, the server should answer at once; otherwise it may hold the poll.
    const wait = results.length > 0 ? 0 : input.outcomePending?.() ? Math.min(input.waitSeconds, outcomePendingWaitSeconds) : input.waitSeconds;
    const request: PollRequest = { status, results, wait };
    let retryMs = 0;
    try {
      const response = await transport.request(
        { method: 'POST', path: fleetPaths.poll, headers: { [fleetProtocolHeader]: String(fleetProtocolVersion) }, body: JSON.stringify(request) },
        { timeoutMs: wait * 1000 + pollSlackMs, identity },
      );
      if (response.status === 200) {
        const reply = parsePollResponse(parseJson(bodyText(response), 'poll reply'));
        if (!connected) deps.log(`connected to ${input.serverName}`);
        connected = true;
        backoff.reset();
        await runner.delivered();
        const running = reply.commands.map((command) => runner.run(command));
        // Quick commands (a restart) finish within moments: their results ride on the next poll
        // instead of waiting out a held one. Long ones (an update) report later.
        if (running.length > 0) await Promise.race([Promise.all(running), deps.sleep(quickCommandMs)]);
        if (reply.commands.length === 0) {
          // Waits as the server asked, but a result finished meanwhile goes out at once.
          for (let waited = 0; waited < reply.next * 1000 && !runner.hasResults; waited += 250) await deps.sleep(250);
        }
        continue;
      }
      runner.restore(results);
      connected = false;
      if (response.status === 403) {
        deps.log(`the server refused this device (HTTP 403: ${refusalReason(response)}); it may have been revoked; not polling, asking again in an hour`);
        retryMs = refusedRetryMs;
      } else if (response.status >= 400 && response.status < 500) {
        deps.log(`the server refused the poll (HTTP ${response.status}: ${refusalReason(response)}); asking again in an hour`);
        retryMs = refusedRetryMs;
      } else {
        retryMs = backoff.next();
        deps.log(`poll failed: the server answered HTTP ${response.status} (${refusalReason(response)}); retrying in ${Math.round(retryMs / 1000)} s`);
      }
    } catch (error) {
      if (!(error instanceof TransportError || error instanceof ProtocolError)) throw error;
      runner.restore(results);
      connected = false;
      retryMs = backoff.next();
      deps.log(`poll failed: ${error.message}; retrying in ${Math.round(retryMs / 1000)} s`);
    }
    await deps.sleep(retryMs);
  }
}
