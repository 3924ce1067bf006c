/**
 * Fleet events between server processes over PostgreSQL's LISTEN/NOTIFY:
 * one channel, the payload a FleetEvent as JSON. Publishing is a NOTIFY from
 * any pooled connection; receiving needs a connection of its own that stays
 * open, so it is a dedicated client, opened again when it drops (a restarted
 * database must not leave a server whose polls never wake). The publishing
 * process hears its own NOTIFY too, so every process learns of an event the
 * same way.
 */
import pg from 'pg';
import type { FleetEvent } from './store.ts';

export const fleetEventChannel = 'imago_fleet_events';

/** First wait before listening again after the connection dropped; doubled up to the most. */
const reconnectFirstMs = 100;
const reconnectMostMs = 5000;

export interface EventListener {
  publish(pool: pg.Pool, event: FleetEvent): Promise<void>;
  subscribe(listener: (event: FleetEvent) => void): () => void;
  close(): Promise<void>;
}

/** Resolves once listening, so an event published after the store opened is heard. */
export async function openEventListener(config: pg.ClientConfig): Promise<EventListener> {
  const listeners = new Set<(event: FleetEvent) => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let waitMs = reconnectFirstMs;

  const deliver = (message: pg.Notification) => {
    if (message.channel !== fleetEventChannel || !message.payload) return;
    let event: FleetEvent;
    try {
      event = JSON.parse(message.payload) as FleetEvent;
    } catch {
      return; // Another program's NOTIFY on our channel is not an event of ours.
    }
    for (const listener of [...listeners]) listener(event);
  };

  const listen = async () => {
    const c = new pg.Client(config);
    const dropped = () => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => {});
      scheduleListen();
    };
    c.on('error', dropped);
    c.on('end', dropped);
    c.on('notification', deliver);
    await c.connect();
    await c.query(`LISTEN ${fleetEventChannel}`);
    if (closed) {
      await c.end();
      return;
    }
    client = c;
    waitMs = reconnectFirstMs;
  };

  const scheduleListen = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().catch(() => {
        waitMs = Math.min(waitMs * 2, reconnectMostMs);
        scheduleListen();
      });
    }, waitMs);
  };

  await listen();

  return {
    async publish(pool, event) {
      await pool.query('SELECT pg_notify($1, $2)', [fleetEventChannel, JSON.stringify(event)]);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
