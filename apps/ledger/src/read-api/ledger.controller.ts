import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { LEDGER_CONFIG } from '../ledger-config';
import { ControlTotalsRepository } from '../control-totals/control-totals.repository';
import { JournalQueries, type BalanceAsOf } from '../journal/journal-queries.repository';
import { recordVerifyResult } from '../observability/ledger-metrics';
import { BalanceQueryDto, ControlQueryDto, StatementQueryDto } from './ledger-requests.dto';
import {
  balanceView,
  digestView,
  entryView,
  statementView,
  trialBalanceView,
  verifyView,
} from './ledger-views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATEMENT_LIMIT_DEFAULT = 100;
const CONTROL_DIFFERENCES_LIMIT = 1_000;

/** Read-only views of the journal for operators and auditors. */
@Controller('v1/ledger')
@UseGuards(bearerTokenGuard(LEDGER_CONFIG, 'ADMIN_TOKEN'))
export class LedgerController {
  constructor(
    private readonly journalQueries: JournalQueries,
    private readonly control: ControlTotalsRepository,
  ) {}

  /**
   * What payments said it captured, refunded and paid out that the books lack or hold with another
   * amount (checked a grace period after each control report arrives), with the ids to look into.
   */
  @Get('control')
  async controlTotals(@Query() query: ControlQueryDto) {
    const summary = await this.control.summary(CONTROL_DIFFERENCES_LIMIT, query.merchant ?? null);
    return {
      reports_received: summary.reportsReceived,
      reports_unchecked: summary.reportsUnchecked,
      reports_with_differences: summary.reportsWithDifferences,
      differences: summary.differences.map((difference) => ({
        kind: difference.kind,
        item_id: difference.itemId,
        payment_id: difference.paymentId,
        merchant_id: difference.merchantId,
        currency: difference.currency,
        reported_minor: difference.reportedMinor,
        booked_minor: difference.bookedMinor,
        window_start: difference.windowStart.toISOString(),
        found_at: difference.foundAt.toISOString(),
      })),
    };
  }

  @Get('trial-balance')
  async trialBalance() {
    return trialBalanceView(await this.journalQueries.trialBalance());
  }

  @Get('entries/:id')
  async entry(@Param('id') id: string) {
    const entry = UUID.test(id) ? await this.journalQueries.findById(id.toLowerCase()) : null;
    if (entry === null) throw ApiError.notFound('ledger entry', id);
    return entryView(entry);
  }

  /** Now, or as of a sequence (as_of_sequence) or a time (as_of), never both. */
  @Get('accounts/:code/balance')
  async balance(@Param('code') code: string, @Query() query: BalanceQueryDto) {
    if (query.as_of_sequence !== undefined && query.as_of !== undefined) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        'Give as_of_sequence or as_of, not both.',
        'as_of',
      );
    }
    let asOf: BalanceAsOf = { kind: 'now' };
    if (query.as_of_sequence !== undefined)
      asOf = { kind: 'sequence', sequence: BigInt(query.as_of_sequence) };
    if (query.as_of !== undefined) {
      const at = new Date(query.as_of);
      if (Number.isNaN(at.getTime())) {
        throw new ApiError(
          400,
          'invalid_request_error',
          'parameter_invalid',
          'as_of is not a time.',
          'as_of',
        );
      }
      asOf = { kind: 'time', at };
    }
    const balance = await this.journalQueries.balance(code, asOf);
    if (balance === null) throw ApiError.notFound('account', code, 'code');
    return balanceView(balance);
  }

  /** Postings of an account in sequence order, paginated by sequence (starting_after). */
  @Get('accounts/:code/statement')
  async statement(@Param('code') code: string, @Query() query: StatementQueryDto) {
    const statement = await this.journalQueries.statement(
      code,
      BigInt(query.starting_after ?? '0'),
      query.limit ?? STATEMENT_LIMIT_DEFAULT,
    );
    if (statement === null) throw ApiError.notFound('account', code, 'code');
    return statementView(statement);
  }

  /** The head of the hash chain: keep it, and later prove that history up to it was not rewritten. */
  @Get('digest')
  async digest() {
    return digestView(await this.journalQueries.digest());
  }

  /** Recomputes the whole chain; names the first broken link. */
  @Get('verify')
  async verify() {
    const report = await this.journalQueries.verify();
    recordVerifyResult(report);
    return verifyView(report);
  }
}
