/**
 * Getting a bundle onto the device: download it from the server, check size
 * and sha256 before keeping it, and hand the file to `imagoctl update`, which
 * writes the inactive slot and has the init reboot into it.
 */
import { decodeUtf8 } from '../../../contract/index.ts';
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion } from '../../../contract/index.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';
import type { Installer } from './commands.ts';
import type { ClientIdentity, Transport } from './transport.ts';

export const imagoctlPath = '/usr/bin/imagoctl';
export const downloadTimeoutMs = 30 * 60 * 1000;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bundleInstaller(sys: Sys, transport: Transport, identity: ClientIdentity, imagoctl = imagoctlPath): Installer {
  return {
    async download(sha256, size, file) {
      // Written to the file as it arrives, hashed on the way: a bundle is as large as an image,
      // and a device may have less RAM to spare than that.
      const fd = sys.create(file, 0o600);
      const hash = sys.sha256();
      let received = 0;
      try {
        const response = await transport.request(
          { method: 'GET', path: `${fleetPaths.bundles}${sha256}`, headers: { [fleetProtocolHeader]: String(fleetProtocolVersion) } },
          {
            timeoutMs: downloadTimeoutMs,
            identity,
            maxBodyBytes: size,
            onBody(bytes) {
              received += bytes.length;
              hash.update(bytes);
              sys.write(fd, bytes, file);
            },
          },
        );
        if (response.status !== 200) throw new Error(`bundle ${sha256.slice(0, 12)}: the server answered HTTP ${response.status}`);
        if (received !== size) throw new Error(`bundle ${sha256.slice(0, 12)}: expected ${size} bytes, got ${received}`);
        const got = hex(hash.digest());
        if (got !== sha256) throw new Error(`bundle: expected sha256 ${sha256}, got ${got}`);
        sys.fsync(fd, file);
      } catch (error) {
        sys.close(fd);
        sys.remove(file);
        throw error;
      }
      sys.close(fd);
    },
    install(file) {
      return new Promise((resolve, reject) => {
        const [readEnd, writeEnd] = sys.pipe();
        let pid: number;
        try {
          pid = sys.spawn({ command: [imagoctl, 'update', file], env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], stdout: writeEnd, stderr: writeEnd });
        } catch (error) {
          sys.close(readEnd);
          sys.close(writeEnd);
          reject(new Error(`cannot run ${imagoctl}: ${reasonOf(error)}`));
          return;
        }
        sys.close(writeEnd);
        let output = '';
        sys.onReadable(readEnd, () => {
          const chunk = sys.read(readEnd, 65536);
          if (chunk === undefined) return;
          if (chunk.length > 0) {
            output = (output + decodeUtf8(chunk)).slice(-4096);
            return;
          }
          sys.onReadable(readEnd, null);
          sys.close(readEnd);
          const status = sys.wait(pid);
          if (status.exited && status.code === 0) resolve(output);
          else reject(new Error(`imagoctl update failed (${status.exited ? `exit ${status.code}` : `signal ${status.signal}`}): ${output.trim().split('\n').pop() ?? ''}`));
        });
      });
    },
  };
}
