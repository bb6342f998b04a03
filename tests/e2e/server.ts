// Starts the real onsite-server on a free port with a fresh SQLite file and demo data,
// and talks to its API the way the app does.
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

const root = path.resolve(__dirname, '..', '..');
const binary = process.env.ONSITE_SERVER_BIN ?? path.join(root, 'target', 'debug', 'onsite-server');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// The builds under test (make test-e2e builds both); overridable to test other builds.
export const distNext = process.env.ONSITE_DIST_NEXT ?? path.join(root, 'target', 'dist-next');

export type Change = { entity: string; op: string; id: string; data: any };

export class OnsiteServer {
  private proc?: ChildProcess;
  private log = '';
  /** The built PWA this server serves; a test may deploy another build behind the same URL. */
  dist = process.env.ONSITE_DIST ?? path.join(root, 'dist');
  readonly baseURL: string;

  private constructor(private readonly dir: string, readonly port: number) {
    this.baseURL = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<OnsiteServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'onsite-e2e-'));
    const server = new OnsiteServer(dir, await freePort());
    await server.spawn();
    return server;
  }

  async spawn(): Promise<void> {
    this.proc = spawn(
      binary,
      [
        'serve',
        '--demo-if-empty',
        '--database-url', `sqlite://${path.join(this.dir, 'onsite.db')}`,
        '--addr', `127.0.0.1:${this.port}`,
        '--dist', this.dist,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => { this.log += chunk.toString(); };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`server exited early:\n${this.log}`);
      try {
        const res = await fetch(`${this.baseURL}/healthz`);
        if (res.ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become healthy:\n${this.log}`);
  }

  /** Stops the process (SIGKILL: the worst case, no graceful shutdown). */
  async kill(): Promise<void> {
    const proc = this.proc;
    // A process killed by a signal has exitCode null and signalCode set.
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  output(): string {
    return this.log;
  }

  async login(username: string, password = 'onsite-demo'): Promise<ApiSession> {
    const clientId = randomUUID();
    const res = await fetch(`${this.baseURL}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, client_id: clientId }),
    });
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    const body = await res.json();
    return new ApiSession(this.baseURL, body.token, clientId, body.user.id);
  }
}

export class ApiSession {
  private nextSeq = 1;

  constructor(
    readonly baseURL: string,
    readonly token: string,
    readonly clientId: string,
    readonly userId: string,
  ) {}

  /** Pushes mutations (`{name, args}`) as this client's next seqs; throws unless all applied. */
  async push(mutations: { name: string; args: any }[]): Promise<void> {
    const body = {
      client_id: this.clientId,
      schema_version: 1,
      mutations: mutations.map((m) => ({
        seq: this.nextSeq++,
        id: randomUUID(),
        name: m.name,
        args: m.args,
        client_time: new Date().toISOString(),
      })),
    };
    const res = await fetch(`${this.baseURL}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`push: ${res.status} ${await res.text()}`);
    const answer = await res.json();
    const refused = answer.results.filter((r: any) => r.status !== 'applied');
    if (refused.length > 0) throw new Error(`push: not applied ${JSON.stringify(refused)}`);
  }

  /** Opens `count` cases (as a manager) assigned to `engineerId`; their ids. */
  async openCases(count: number, engineerId: string): Promise<string[]> {
    const ids: string[] = [];
    const mutations = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      ids.push(id);
      mutations.push(
        {
          name: 'case.create',
          args: {
            case_id: id,
            title: `Seeded case ${i}: UPS alarm on floor ${i % 30}`,
            description: 'Seeded for a long case list.',
            customer: { name: `Customer ${i % 40}`, phone: '+86 21 5555 0000' },
            site: { address: `${i} Benchmark Road` },
            product: { model: `Model-${i % 25}`, serial: `BENCH-${i}` },
            category: 'system_fault',
            severity: 1 + (i % 4),
            mode: 'on_site',
            reported_at: new Date(Date.now() - i * 60_000).toISOString(),
          },
        },
        { name: 'case.assign', args: { case_id: id, engineer_id: engineerId } },
      );
    }
    for (let i = 0; i < mutations.length; i += 100) await this.push(mutations.slice(i, i + 100));
    return ids;
  }

  /** Everything this user may see, following the cursor to the end. */
  async pullAll(): Promise<Change[]> {
    const changes: Change[] = [];
    let cursor = '';
    for (;;) {
      const url = `${this.baseURL}/api/v1/sync/pull?client_id=${this.clientId}&cursor=${encodeURIComponent(cursor)}`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` } });
      if (!res.ok) throw new Error(`pull: ${res.status} ${await res.text()}`);
      const page = await res.json();
      changes.push(...page.changes);
      cursor = page.cursor;
      if (!page.has_more) return changes;
    }
  }

  /** GET an API path as this user; the JSON answer. */
  async get(pathAndQuery: string): Promise<any> {
    const res = await fetch(`${this.baseURL}${pathAndQuery}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async case(id: string): Promise<any> {
    const puts = (await this.pullAll()).filter((c) => c.entity === 'case' && c.id === id && c.op === 'put');
    if (puts.length === 0) throw new Error(`case ${id} not visible`);
    return puts[puts.length - 1].data;
  }

  async blobSha256(sha: string): Promise<string> {
    const res = await fetch(`${this.baseURL}/api/v1/blobs/${sha}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`blob ${sha}: ${res.status}`);
    return createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
  }
}

/** A test with a server of its own (a fresh data directory and port), stopped after it; its log
 *  is printed when the test failed. */
export const test = base.extend<{ server: OnsiteServer }>({
  server: async ({}, use, testInfo) => {
    const server = await OnsiteServer.start();
    await use(server);
    if (testInfo.status !== testInfo.expectedStatus) console.log(server.output());
    await server.stop();
  },
});
