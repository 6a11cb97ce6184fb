// Real tier: which remote-target keys the real mc (the pinned release) can carry in `mc replicate add
// --remote-bucket scheme://ACCESS:SECRET@host/bucket`, next to what the provisioning script's check_remote_keys
// refuses. The source alias points at a closed loopback port, so an accepted URL fails only when mc connects.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { MinioCluster, S3Credentials } from '../../../src';
import { chart, find, synth } from '../../support/harness';
import { freePort } from '../../support/net';
import { requireTools } from '../../support/tools';

const [mcBin] = requireTools('mc');

process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

/** The check_remote_keys function of the synthesized provisioning script, run with a failing `fail`. */
function scriptAccepts(access: string, secret: string): boolean {
  const c = chart('edge');
  const store = new MinioCluster(c, 'store', { driveSize: Size.gibibytes(10), rootCredentials: S3Credentials.fromSecretName('root') });
  store.addBucket('video');
  const script: string = find(synth(c), 'ConfigMap', store.provisioningConfigMapName!).data['provision.sh'];
  const fn = /^check_remote_keys\(\) \{\n[\s\S]*?\n\}$/m.exec(script);
  if (!fn) throw new Error('no check_remote_keys in the provisioning script');
  const r = spawnSync('sh', ['-c', `fail() { printf '%s\\n' "$*" >&2; exit 1; }\n${fn[0]}\ncheck_remote_keys test "$1" "$2"`, 'sh', access, secret], { encoding: 'utf8' });
  return r.status === 0;
}

describe('remote-target keys: the provisioning script refuses exactly what the real mc cannot parse', () => {
  let dir: string;
  let closedPort: number;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-keys-'));
    closedPort = await freePort();
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function mcMessage(access: string, secret: string): string {
    const r = spawnSync(mcBin, ['--json', 'replicate', 'add', 'src/bkt', '--remote-bucket', `http://${access}:${secret}@127.0.0.1:${closedPort}/bkt`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, MC_CONFIG_DIR: dir, MC_HOST_src: `http://root:rootpassword@127.0.0.1:${closedPort}` },
      timeout: 60_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`no JSON from mc: ${r.stdout}${r.stderr}`);
    const err = JSON.parse(line).error;
    return `${err.message}: ${err.cause?.message ?? ''}`;
  }

  test.each([
    ['plain keys', 'access', 'plain-secret-1'],
    ['"@" in both keys', 'user@site', 'p@ss/w+rd@1'],
    ['":" in the secret key', 'access', 'pa:ss-word'],
    ['":" in the access key', 'ac:cess', 'plain-secret-1'],
  ])('%s', (_label, access, secret) => {
    const message = mcMessage(access, secret);
    // mc either parsed the URL and failed connecting, or refused the keys before any connection.
    const parsed = /connection refused/.test(message);
    if (!parsed) expect(message).toMatch(/temporary tokens are not allowed/);
    expect({ access, secret, scriptAccepts: scriptAccepts(access, secret) }).toEqual({ access, secret, scriptAccepts: parsed });
  });
});
