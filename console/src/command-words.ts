/** How a command's stored state reads to the operator. Pure. */
import type { StoredCommand } from './types.ts';

/** "restart ticker: done", "reboot: refused: …", "stop web: sent, the device has not answered yet". */
export function commandOutcome(what: string, stored: StoredCommand): string {
  if (!stored.result) return `${what}: sent; the device has not answered yet (it runs it at its next poll)`;
  if (!stored.result.ok) return `${what}: the device refused: ${stored.result.message ?? 'no reason given'}`;
  return `${what}: done${stored.result.message ? ` (${stored.result.message})` : ''}`;
}
