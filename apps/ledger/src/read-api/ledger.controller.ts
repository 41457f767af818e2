import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { LEDGER_CONFIG } from '../ledger-config';
import { JournalRepository } from '../journal/journal.repository';
import { digestView, entryView, trialBalanceView } from './ledger-views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only views of the journal for operators and auditors. */
@Controller('v1/ledger')
@UseGuards(bearerTokenGuard(LEDGER_CONFIG, 'ADMIN_TOKEN'))
export class LedgerController {
  constructor(private readonly journal: JournalRepository) {}

  @Get('trial-balance')
  async trialBalance() {
    return trialBalanceView(await this.journal.trialBalance());
  }

  @Get('entries/:id')
  async entry(@Param('id') id: string) {
    const entry = UUID.test(id) ? await this.journal.findById(id.toLowerCase()) : null;
    if (entry === null) throw ApiError.notFound('ledger entry', id);
    return entryView(entry);
  }

  /** The head of the hash chain: keep it, and later prove that history up to it was not rewritten. */
  @Get('digest')
  async digest() {
    return digestView(await this.journal.digest());
  }
}
