/**
 * FleetError: a problem the user can act on (a wrong option, a missing fleet
 * file, a refusal from the server), as opposed to a bug. `imago` prints its
 * message alone; anything else is reported as an internal error.
 */
export class FleetError extends Error {
  override name = 'FleetError';
}
