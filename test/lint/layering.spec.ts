import * as path from 'node:path';
import { Linter } from 'eslint';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS modules, as eslint.config.mjs loads them */
const tsParser = require('@typescript-eslint/parser') as Linter.Parser;
const layering = require('./layering-rule.js') as { rules: Record<string, unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, '..', '..');

/** Lints one planted file as if it stood at `file` (relative to the repository) with the layering rule alone. */
function violations(
  file: string,
  code: string,
  options: { gatewayLayers: boolean } = { gatewayLayers: true },
) {
  const linter = new Linter({ configType: 'flat' });
  return linter
    .verify(
      code,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tsParser },
          plugins: { layering: layering as never },
          rules: { 'layering/boundaries': ['error', options] },
        },
      ],
      { filename: path.join(ROOT, file) },
    )
    .map((message) => message.message);
}

describe('the layering rule', () => {
  it('refuses an app importing another app, relatively or by package', () => {
    expect(
      violations(
        'apps/payments/src/payouts/planted.ts',
        "import { x } from '../../../ledger/src/domain/pricing';",
      ),
    ).toEqual([expect.stringContaining('apps never import another app: payments talks to ledger')]);
    expect(violations('apps/risk/src/planted.ts', "import { x } from '@platform/gateway';")).toEqual([
      expect.stringContaining('apps never import another app'),
    ]);
  });

  it('refuses kafkajs in an app: Kafka is reached through libs/kafka', () => {
    expect(
      violations('apps/reporting/src/reports/planted.ts', "import type { Admin } from 'kafkajs';"),
    ).toEqual([expect.stringContaining('apps reach Kafka only through @platform/kafka')]);
  });

  it('refuses a library importing an app', () => {
    expect(
      violations('libs/db/src/planted.ts', "import { x } from '../../../apps/ledger/src/ledger.module';"),
    ).toEqual([expect.stringContaining('libs never import an app')]);
  });

  it('refuses Nest, TypeORM, kafkajs, pg and the I/O libraries in a domain/ folder', () => {
    for (const module of ['@nestjs/common', 'typeorm', 'kafkajs', 'pg', '@platform/db', '@platform/kafka']) {
      expect(violations('apps/payments/src/domain/planted.ts', `import { x } from '${module}';`)).toEqual([
        expect.stringContaining('domain/ is pure'),
      ]);
    }
    expect(violations('apps/payments/src/domain/planted.ts', "import { z } from 'zod';")).toEqual([]);
  });

  it('keeps contracts and money pure', () => {
    expect(violations('libs/money/src/planted.ts', "import { x } from '@platform/contracts';")).toEqual([
      expect.stringContaining('libs/money stays pure'),
    ]);
    expect(violations('libs/contracts/src/planted.ts', "import { Kafka } from 'kafkajs';")).toEqual([
      expect.stringContaining('libs/contracts stays pure'),
    ]);
    expect(violations('libs/contracts/src/planted.ts', "import { x } from '@platform/money';")).toEqual([]);
  });

  it('keeps ledger-projection pure: contracts, money and node builtins; fast-check in its specs', () => {
    const lib = 'libs/ledger-projection/src';
    expect(violations(`${lib}/planted.ts`, "import { x } from '@platform/db';")).toEqual([
      expect.stringContaining('libs/ledger-projection stays pure'),
    ]);
    expect(violations(`${lib}/planted.ts`, "import fc from 'fast-check';")).toEqual([
      expect.stringContaining('libs/ledger-projection stays pure'),
    ]);
    expect(violations(`${lib}/planted.ts`, "import { x } from '@platform/contracts';")).toEqual([]);
    expect(violations(`${lib}/planted.ts`, "import { x } from '@platform/money';")).toEqual([]);
    expect(violations(`${lib}/planted.spec.ts`, "import fc from 'fast-check';")).toEqual([]);
  });

  it('lets gateway folders depend downward only', () => {
    expect(
      violations(
        'apps/gateway/src/merchants/planted.ts',
        "import { x } from '../payments/payments.controller';",
      ),
    ).toEqual([expect.stringContaining('gateway folders depend downward only: merchants')]);
    expect(
      violations(
        'apps/gateway/src/payments/planted.ts',
        "import { x } from '../merchants/merchants.repository';",
      ),
    ).toEqual([]);
  });

  it('lets a domain/ folder use the pure libraries', () => {
    expect(violations('apps/ledger/src/domain/planted.ts', "import { x } from '@platform/money';")).toEqual(
      [],
    );
  });
});
