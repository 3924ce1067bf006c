/**
 * The fleet agent's TLS module (init/native/imago-tls.c, mbed TLS built from
 * Debian's source), registered as `imago:tls` in the agent binary only: PID 1
 * never links it and never parses network input.
 *
 * Sockets are non-blocking and driven by the caller's event loop
 * (os.setReadHandler/os.setWriteHandler): calls that would block return
 * WANT_READ or WANT_WRITE; other negative numbers are mbed TLS or -errno error
 * codes, turned into words by `errorText`. Keys are ECDSA P-256, in PEM.
 */
declare module 'imago:tls' {
  export const WANT_READ: number;
  export const WANT_WRITE: number;

  /** Generates an ECDSA P-256 private key on the device; PEM. Throws when the random source fails. */
  export function generateKey(): string;
  /** A PKCS#10 request (PEM) signed by `keyPem`, for the subject given as e.g. `CN=device,O=imago`. Throws on a bad key. */
  export function createCsr(keyPem: string, subject: string): string;
  /** What a certificate says; throws when `pem` is not one. Times are ms since the epoch. */
  export function certificateInfo(pem: string): { subject: string; issuer: string; serial: string; notBefore: number; notAfter: number };
  /** Checks `certPem` against the CA at the current clock: '' when valid, else why not (expired, not yet valid, other CA). */
  export function verifyCertificate(certPem: string, caPem: string): string;
  /** Whether `certPem` carries the public half of `keyPem`. Throws when either does not parse. */
  export function keyMatches(certPem: string, keyPem: string): boolean;

  /**
   * Opens a non-blocking TCP connection to host:port (host resolved with
   * getaddrinfo, which may block briefly): the fd, with the connect in
   * progress, or -errno. Wait for writability, then read `connectResult`.
   */
  export function tcpConnect(host: string, port: number): number;
  /** SO_ERROR of a connecting socket: 0 once connected, else -errno. */
  export function connectResult(fd: number): number;

  export interface SessionOptions {
    /** The only CA trusted (pinned): PEM. */
    ca: string;
    /** The name the server's certificate must carry (DNS name or IP address). */
    hostname: string;
    /** The client certificate and key for mutual TLS, both PEM. */
    cert?: string;
    key?: string;
  }

  export interface Session {
    /** 0 when the handshake is done, WANT_READ/WANT_WRITE, or an error code. */
    handshake(): number;
    /** Bytes read into `buffer`, 0 when the peer closed, WANT_READ/WANT_WRITE, or an error code. */
    read(buffer: ArrayBuffer, offset: number, length: number): number;
    /** Bytes written, WANT_READ/WANT_WRITE, or an error code. */
    write(buffer: ArrayBuffer, offset: number, length: number): number;
    /** Why the server's certificate was refused ('' when accepted): expired, not yet valid, other CA, wrong name. */
    verifyResult(): string;
    /** Sends close_notify (best effort) and frees the session; the fd stays open for the caller to close. */
    close(): void;
  }

  /** A client session over a connected fd; throws when the options are bad (unreadable CA, key not matching). */
  export function newSession(fd: number, options: SessionOptions): Session;
  export function errorText(code: number): string;
}
