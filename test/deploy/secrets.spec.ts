import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { GENERATORS, generateSecrets } from '../../deploy/compose/generate-secrets';
import { ROOT, deploymentFiles, readText } from './deploy-files';

const SECRET_NAME = /(_TOKEN|_SECRET|PASSWORD|VAULT_KEYS)$/;
/** What the generators and the local runner make: a literal like these is a leaked secret. */
const TOKEN_LIKE = [
  /\badm_[A-Za-z0-9_-]{16,}/,
  /\bana_[A-Za-z0-9_-]{16,}/,
  /\bmet_[A-Za-z0-9_-]{16,}/,
  /\b[\w-]+:[A-Za-z0-9+/]{43}=/,
];

/** Places where a secret-named key holds a literal value in a YAML document (a reference is fine). */
function plainSecrets(document: unknown, where: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${at}[${index}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    // A Kubernetes env entry: { name: ADMIN_TOKEN, value: '...' }.
    if (typeof record.name === 'string' && SECRET_NAME.test(record.name) && 'value' in record) {
      found.push(`${at}: ${record.name} has a literal value`);
    }
    for (const [key, value] of Object.entries(record)) {
      if (SECRET_NAME.test(key) && (typeof value === 'string' || typeof value === 'number')) {
        found.push(`${at}.${key} = ${String(value)}`);
      }
      visit(value, `${at}.${key}`);
    }
  };
  visit(document, where);
  return found;
}

describe('no secret in the deployment files', () => {
  const files = deploymentFiles();

  it('scans the compose, Kubernetes, observability and image files', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'Dockerfile',
        'docker-compose.yml',
        'deploy/k8s/gateway/deployment.yaml',
        'deploy/k8s/base/platform-common.yaml',
        'deploy/observability/otel-collector.yaml',
      ]),
    );
  });

  it.each(deploymentFiles())('%s has no secret value in it', (file) => {
    const text = readText(file);
    for (const pattern of TOKEN_LIKE) expect(text).not.toMatch(pattern);
    if (/\.ya?ml$/.test(file)) {
      const found = parseAllDocuments(text).flatMap((document) => plainSecrets(document.toJS(), file));
      expect(found).toEqual([]);
    }
    // Kubernetes Secrets with data come from the operator, never from here.
    expect(text).not.toMatch(/^kind: Secret$/m);
  });

  it('would catch a secret written in plain text', () => {
    const leaks = [
      'environment:\n  ADMIN_TOKEN: adm_0123456789abcdefghijklmn',
      'env:\n  - name: CARD_FINGERPRINT_SECRET\n    value: whatever-it-is',
      'data:\n  VAULT_KEYS: k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    ];
    for (const leak of leaks) {
      expect(
        parseAllDocuments(leak).flatMap((document) => plainSecrets(document.toJS(), 'sample')),
      ).not.toEqual([]);
    }
    expect(TOKEN_LIKE.some((pattern) => pattern.test(`${String(GENERATORS.ADMIN_TOKEN())}`))).toBe(true);
    expect(TOKEN_LIKE.some((pattern) => pattern.test(`${String(GENERATORS.VAULT_KEYS())}`))).toBe(true);
  });

  it('keeps the generated compose secrets out of git', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deploy/compose/secrets/ADMIN_TOKEN'], {
      cwd: ROOT,
    });
    expect(ignored.status).toBe(0);
  });
});

describe('compose secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are generated once, random, and kept on the next run', () => {
    const secretsDir = path.join(dir, 'secrets');
    expect(generateSecrets(secretsDir).sort()).toEqual(Object.keys(GENERATORS).sort());
    const first = fs.readFileSync(path.join(secretsDir, 'ADMIN_TOKEN'), 'utf8');
    expect(first).toMatch(/^adm_[A-Za-z0-9_-]{32}$/);
    expect(generateSecrets(secretsDir)).toEqual([]);
    expect(fs.readFileSync(path.join(secretsDir, 'ADMIN_TOKEN'), 'utf8')).toBe(first);
    expect(fs.statSync(secretsDir).mode & 0o777).toBe(0o700);
  });

  it('become environment variables in the container, without overriding a set variable', () => {
    fs.writeFileSync(path.join(dir, 'ADMIN_TOKEN'), 'adm_from_file');
    fs.writeFileSync(path.join(dir, 'PGPASSWORD'), 'pw with spaces');
    fs.writeFileSync(path.join(dir, 'LOG_LEVEL'), 'debug');
    fs.writeFileSync(path.join(dir, 'not-a-name'), 'ignored');
    const result = spawnSync(
      path.join(ROOT, 'deploy', 'container-entrypoint.sh'),
      [process.execPath, '-e', 'console.log(JSON.stringify(process.env))'],
      { env: { PATH: process.env.PATH, SECRETS_DIR: dir, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    const environment = JSON.parse(result.stdout);
    expect(environment).toMatchObject({
      ADMIN_TOKEN: 'adm_from_file',
      PGPASSWORD: 'pw with spaces',
      LOG_LEVEL: 'warn',
    });
    expect(Object.keys(environment)).not.toContain('not-a-name');
  });
});
