/**
 * The PostgreSQL store's schema, as numbered steps: a database made by an
 * older imago gets only the steps it lacks. Times are bigint milliseconds,
 * JSON values jsonb, bundles bytea.
 */
export const postgresMigrations: string[] = [
  `CREATE TABLE fleet_batches (
     name text PRIMARY KEY,
     token_hash text NOT NULL,
     max_devices integer,
     serials jsonb,
     used integer NOT NULL DEFAULT 0,
     created_at bigint NOT NULL,
     expires_at bigint NOT NULL,
     created_by text NOT NULL,
     revoked_at bigint
   );
   CREATE TABLE fleet_serial_claims (
     batch text NOT NULL REFERENCES fleet_batches(name),
     serial text NOT NULL,
     PRIMARY KEY (batch, serial)
   );
   CREATE TABLE fleet_devices (
     id text PRIMARY KEY,
     batch text NOT NULL,
     cert_serial text NOT NULL UNIQUE,
     certificate text NOT NULL,
     arch text NOT NULL,
     image text NOT NULL,
     version text NOT NULL,
     hostname text,
     serial text,
     activated_at bigint NOT NULL,
     last_seen bigint,
     status jsonb,
     revoked_at bigint
   );
   CREATE TABLE fleet_commands (
     seq bigserial PRIMARY KEY,
     id text NOT NULL UNIQUE,
     device_id text NOT NULL,
     body jsonb NOT NULL,
     created_at bigint NOT NULL,
     created_by text NOT NULL,
     delivered_at bigint,
     finished_at bigint,
     result jsonb
   );
   CREATE INDEX fleet_commands_waiting ON fleet_commands (device_id) WHERE delivered_at IS NULL;
   CREATE TABLE fleet_log_streams (
     id text PRIMARY KEY,
     device_id text NOT NULL,
     service text NOT NULL,
     created_at bigint NOT NULL,
     ended_at bigint,
     dropped bigint NOT NULL DEFAULT 0,
     last_seq bigint NOT NULL DEFAULT 0
   );
   CREATE TABLE fleet_log_lines (
     stream text NOT NULL,
     seq bigint NOT NULL,
     line text NOT NULL,
     PRIMARY KEY (stream, seq)
   );
   CREATE TABLE fleet_operators (
     name text PRIMARY KEY,
     cert_serial text UNIQUE,
     password_hash text,
     created_at bigint NOT NULL,
     revoked_at bigint
   );
   CREATE TABLE fleet_audit (
     id bigserial PRIMARY KEY,
     at bigint NOT NULL,
     operator text NOT NULL,
     action text NOT NULL,
     device text,
     detail jsonb
   );
   CREATE TABLE fleet_bundles (
     sha256 text PRIMARY KEY,
     size bigint NOT NULL,
     version text NOT NULL,
     compatible text NOT NULL,
     uploaded_at bigint NOT NULL,
     bytes bytea NOT NULL
   );`,
];
