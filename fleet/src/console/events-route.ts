/**
 * GET /console/events: what changed, as server-sent events, so the console
 * updates without reloading. Fed by the store's events, which on PostgreSQL
 * come from every server sharing the database (a device polling server 1
 * shows on a console served by server 2):
 *
 *   event: device   data: {"deviceId"}              seen, status, activated, revoked
 *   event: result   data: {"deviceId","commandId"}  a command finished
 *   event: audit    data: {}                        an operator did something (batches too)
 *
 * A comment every 15 s keeps proxies from closing the stream; with it the
 * session is checked again, so a signed-out session's stream ends.
 */
import type { FleetEvent } from '../store/store.ts';
import type { RouteCall } from '../server/context.ts';
import type { SessionPeer } from './session-peer.ts';

const keepAliveMs = 15_000;

function toMessage(event: FleetEvent): string | undefined {
  switch (event.topic) {
    case 'device':
      return `event: device\ndata: ${JSON.stringify({ deviceId: event.deviceId })}\n\n`;
    case 'result':
      return `event: result\ndata: ${JSON.stringify({ deviceId: event.deviceId, commandId: event.commandId })}\n\n`;
    case 'audit':
      return 'event: audit\ndata: {}\n\n';
    default:
      // Commands and log lines are the devices' business; the console reads logs from their own stream.
      return undefined;
  }
}

export async function consoleEvents({ ctx, res, peer }: RouteCall): Promise<void> {
  const session = (peer as SessionPeer).session;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
  // The browser's EventSource reconnects after this many ms when the stream drops.
  res.write('retry: 2000\n\n');
  const unsubscribe = ctx.store.subscribe((event) => {
    const message = toMessage(event);
    if (message) res.write(message);
  });
  const timer = setInterval(() => {
    void (async () => {
      if (session && !(await ctx.store.getSession(session.idHash, ctx.now()))) return res.end();
      res.write(': keep-alive\n\n');
    })().catch(() => res.destroy());
  }, keepAliveMs);
  await new Promise<void>((resolve) => res.on('close', resolve));
  clearInterval(timer);
  unsubscribe();
}
