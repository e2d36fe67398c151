// Debian's nginx as a child process with its own prefix, TLS (a throwaway self-signed certificate) and round-robin upstreams.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.js';
import { delay } from './wait.js';

export const NGINX = '/usr/sbin/nginx';

let reported = false;

/** `undefined` when nginx and openssl are installed; otherwise why the test is skipped (under CI=true: it fails). */
export function nginxSkipReason(): string | undefined {
  const missing = [NGINX, '/usr/bin/openssl'].filter((path) => !existsSync(path));
  if (missing.length === 0) return undefined;
  const reason = `${missing.join(', ')} not found`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the nginx tests (.ci/run installs nginx)`);
  if (!reported) console.log(`# nginx tests skipped: ${reason} (apt-get install nginx openssl to run them)`);
  reported = true;
  return reason;
}

export interface NginxOptions {
  /** http://127.0.0.1:port of each readcount instance; nginx sends requests to them in turn (no stickiness). */
  readonly upstreams: readonly string[];
  /** Forward the websocket upgrade (Upgrade/Connection headers, HTTP/1.1); false is the common misconfiguration. */
  readonly upgrade: boolean;
  /** The address nginx connects to readcount from, so a test can tell the proxy's address from the reader's. */
  readonly bindAddress?: string;
}

export interface Nginx {
  readonly base: string;
  readonly config: string;
  stop(): Promise<void>;
}

/** The server block a readcount deployment uses; `docs/scaling.md` shows the same two variants. */
export function nginxConfig(dir: string, port: number, options: NginxOptions): string {
  const upgrade = options.upgrade
    ? `      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;\n`
    : '';
  return `${process.getuid?.() === 0 ? 'user root root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream readcount {
${options.upstreams.map((url) => `    server ${new URL(url).host};`).join('\n')}
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass http://readcount;
${upgrade}      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
${options.bindAddress ? `      proxy_bind ${options.bindAddress};\n` : ''}    }
  }
}
`;
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-nginx-'));
  await mkdir(join(dir, 'tmp'));
  execFileSync(
    '/usr/bin/openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const config = nginxConfig(dir, port, options);
  await writeFile(join(dir, 'nginx.conf'), config);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}\n${config}`);
    }
    await delay(50);
  }
  return {
    base: `https://127.0.0.1:${port}`,
    config,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
