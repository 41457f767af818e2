#!/usr/bin/env node
// @ts-check
/**
 * Writes the compose secrets (one file per variable, random values) into deploy/compose/secrets/,
 * keeping the files that already exist so a restart keeps the same keys and tokens. The directory
 * is git-ignored; docker-compose.yml mounts each file as a secret of the same name.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const SECRETS_DIR = path.join(__dirname, 'secrets');

/** @param {number} bytes */
const random = (bytes) => crypto.randomBytes(bytes).toString('base64url');

/** How each secret is made; docker-compose.yml declares the same names (test/deploy checks). */
const GENERATORS = {
  PGPASSWORD: () => random(24),
  ADMIN_TOKEN: () => `adm_${random(24)}`,
  ANALYST_TOKEN: () => `ana_${random(24)}`,
  VAULT_KEYS: () => `k1:${crypto.randomBytes(32).toString('base64')}`,
  VAULT_ACTIVE_KEY_ID: () => 'k1',
  CARD_FINGERPRINT_SECRET: () => random(32),
  RISK_KEY_HASH_SECRET: () => random(32),
  METRICS_TOKEN: () => `met_${random(24)}`,
  GRAFANA_ADMIN_PASSWORD: () => random(18),
};

/** @param {string} dir @returns {string[]} the names written now */
function generateSecrets(dir = SECRETS_DIR) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written = [];
  for (const [name, generate] of Object.entries(GENERATORS)) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) continue;
    // Readable by the container's non-root user through the bind mount; the directory stays 700.
    fs.writeFileSync(file, generate(), { mode: 0o644 });
    written.push(name);
  }
  return written;
}

if (require.main === module) {
  const written = generateSecrets();
  console.log(
    written.length > 0
      ? `Wrote ${written.join(', ')} to ${path.relative(process.cwd(), SECRETS_DIR)}/`
      : 'Every secret exists already.',
  );
}

module.exports = { GENERATORS, generateSecrets };
