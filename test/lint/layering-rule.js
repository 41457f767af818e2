// @ts-check
/**
 * The platform's layering as an ESLint rule (`layering/boundaries`), so it cannot erode:
 * - apps never import another app, libs never import an app, apps never import kafkajs (libs/kafka
 *   has the one consumer loop);
 * - a domain/ folder is pure: no Nest, TypeORM, Kafka or Postgres, nor the libraries wrapping them;
 * - libs/contracts, libs/money and libs/ledger-projection stay pure: zod, node builtins, money (for
 *   contracts) and contracts and money (for ledger-projection) only; their specs may also use fast-check;
 * - the gateway's folders depend downward only: a folder imports only folders of a lower layer
 *   (GATEWAY_LAYERS), so no two feature folders depend on each other and nothing loops.
 * Test files are held to the same rules except the gateway's layers (a spec may wire any folder).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Modules a domain/ folder may never import: I/O, frameworks and the libraries built on them. */
const IMPURE_MODULES = [
  /^@nestjs\//,
  /^typeorm(\/|$)/,
  /^kafkajs(\/|$)/,
  /^pg(\/|$)/,
  /^@platform\/(db|kafka|service-runtime|telemetry|testing|config)$/,
];

/** What the pure libraries may import besides their own files. */
const PURE_LIBRARY_ALLOWED = {
  money: [/^zod$/, /^node:/],
  contracts: [/^zod$/, /^node:/, /^@platform\/money$/],
  'ledger-projection': [/^node:/, /^@platform\/(contracts|money)$/],
};
/** What a pure library's tests may import besides: property-based testing, no I/O. */
const PURE_LIBRARY_TEST_ALLOWED = [/^fast-check$/];

/**
 * The gateway's folders, bottom layer first. A folder may import from its own layer's folder and
 * from any lower layer; folders of one layer never import each other.
 */
const GATEWAY_LAYERS = [
  ['domain', 'http', 'openapi', 'migrations'],
  ['listing', 'vault', 'rate-limit', 'requests'],
  ['merchants'],
  ['api-keys'],
  ['auth'],
  ['idempotency'],
  // The payments read model: tables, resources, the settle wait and its signals.
  ['read-model'],
  ['webhooks'],
  ['events'],
  // Merchants' reports, folded from ledger entries by balance's consumer.
  ['merchant-reports'],
  ['balance'],
  ['command-outcomes'],
  ['payments'],
  ['disputes', 'payouts', 'reviews'],
  ['refunds'],
  ['merchant-admin'],
  // Applies payments.events to every read model: above every feature whose tables it updates.
  ['read-model-updater'],
];
const APP_ROOT_LAYER = Number.MAX_SAFE_INTEGER;

function gatewayLayer(folder) {
  return GATEWAY_LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Where a file sits: { kind: 'app' | 'lib' | 'other', name, rest } from its path under the repo. */
function placeOf(absolutePath) {
  const relative = path.relative(ROOT, absolutePath).split(path.sep);
  if ((relative[0] === 'apps' || relative[0] === 'libs') && relative.length > 1) {
    return { kind: relative[0] === 'apps' ? 'app' : 'lib', name: relative[1], rest: relative.slice(2) };
  }
  return { kind: 'other', name: '', rest: relative };
}

/** The file an import names, when it is one of ours: a relative path or a @platform/* package. */
function resolveTarget(source, fromFile) {
  if (source.startsWith('.')) return placeOf(path.resolve(path.dirname(fromFile), source));
  const scoped = /^@platform\/([a-z-]+)(\/.*)?$/.exec(source);
  if (scoped === null) return null;
  const name = scoped[1];
  const isApp = ['gateway', 'payments', 'risk', 'ledger', 'reporting'].includes(name);
  return { kind: isApp ? 'app' : 'lib', name, rest: ['src'] };
}

/** The top folder under the app's src/ a path is in; null for a file directly in src/. */
function folderOf(place) {
  if (place.rest[0] !== 'src' || place.rest.length < 2) return null;
  if (place.rest.length > 2) return place.rest[1];
  const candidate = path.join(ROOT, 'apps', place.name, 'src', place.rest[1]);
  return fs.existsSync(candidate) && fs.statSync(candidate).isDirectory() ? place.rest[1] : null;
}

function isTestFile(file) {
  return /\.(spec|int-spec|e2e-spec)\.ts$/.test(file);
}

/** @type {import('eslint').Rule.RuleModule} */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'apps, libs, domain/ and the gateway folders import only what their layer allows' },
    schema: [
      {
        type: 'object',
        properties: { gatewayLayers: { type: 'boolean' } },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const gatewayLayers = context.options[0]?.gatewayLayers !== false;
    const file = context.filename;
    const here = placeOf(file);
    const inDomain = here.kind === 'app' && here.rest[0] === 'src' && here.rest[1] === 'domain';

    function check(node, source) {
      if (typeof source !== 'string') return;
      const report = (message) => context.report({ node, message: `${message} (imports '${source}')` });
      const target = resolveTarget(source, file);
      if (here.kind === 'app' && target?.kind === 'app' && target.name !== here.name) {
        return report(`apps never import another app: ${here.name} talks to ${target.name} through Kafka`);
      }
      if (here.kind === 'lib' && target?.kind === 'app') {
        return report(`libs never import an app: libs/${here.name} would depend on apps/${target.name}`);
      }
      if (inDomain && IMPURE_MODULES.some((pattern) => pattern.test(source))) {
        return report('domain/ is pure: no Nest, TypeORM, Kafka or Postgres');
      }
      if (here.kind === 'app' && /^kafkajs(\/|$)/.test(source)) {
        return report(
          'apps reach Kafka only through @platform/kafka and @platform/service-runtime (one consumer loop)',
        );
      }
      const allowed = here.kind === 'lib' ? PURE_LIBRARY_ALLOWED[here.name] : undefined;
      const testAllowed = isTestFile(file) ? PURE_LIBRARY_TEST_ALLOWED : [];
      if (
        allowed !== undefined &&
        !source.startsWith('.') &&
        ![...allowed, ...testAllowed].some((p) => p.test(source))
      ) {
        return report(`libs/${here.name} stays pure: it imports only ${allowed.map(String).join(', ')}`);
      }
      if (
        here.kind === 'app' &&
        here.name === 'gateway' &&
        target?.kind === 'app' &&
        target.name === 'gateway' &&
        gatewayLayers &&
        !isTestFile(file)
      ) {
        const fromFolder = folderOf(here);
        const toFolder = folderOf(target);
        if (toFolder === null || fromFolder === toFolder) return;
        const fromLayer = fromFolder === null ? APP_ROOT_LAYER : gatewayLayer(fromFolder);
        const toLayer = gatewayLayer(toFolder);
        if (fromLayer === -1 || toLayer === -1) {
          return report(
            `gateway folder ${fromLayer === -1 ? fromFolder : toFolder} has no layer: add it to GATEWAY_LAYERS`,
          );
        }
        if (toLayer >= fromLayer) {
          return report(
            `gateway folders depend downward only: ${fromFolder} (layer ${fromLayer}) may not import ${toFolder} (layer ${toLayer})`,
          );
        }
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

module.exports = { rules: { boundaries }, GATEWAY_LAYERS };
