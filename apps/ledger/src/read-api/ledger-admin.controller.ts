import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { isKnownCurrency } from '@platform/money';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { LEDGER_CONFIG } from '../ledger-config';
import { LedgerStateRepository } from '../journal/ledger-state.repository';
import { RepublishRepository } from '../republish/republish.repository';
import { ReverseEntry } from '../reversal/reverse-entry';
import { PricingDto, RepublishDto, ReversalDto } from './ledger-requests.dto';
import { entryView } from './ledger-views';

const MERCHANT_ID = /^mer_[A-Za-z0-9]{8,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Operator actions: pricing, republishing, corrections. */
@Controller('v1/ledger')
@UseGuards(bearerTokenGuard(LEDGER_CONFIG, 'ADMIN_TOKEN'))
export class LedgerAdminController {
  constructor(
    private readonly state: LedgerStateRepository,
    private readonly republish: RepublishRepository,
    private readonly reverseEntry: ReverseEntry,
  ) {}

  /** A merchant's fee in one currency; captures after this use it, earlier entries keep theirs. */
  @Put('pricing/:merchantId/:currency')
  async setPricing(
    @Param('merchantId') merchantId: string,
    @Param('currency') currency: string,
    @Body() body: PricingDto,
  ) {
    if (!MERCHANT_ID.test(merchantId)) throw invalid('merchantId', 'must be a merchant id');
    if (!isKnownCurrency(currency)) throw invalid('currency', 'must be an ISO 4217 currency code');
    await this.state.setPricing(merchantId, currency, {
      basisPoints: BigInt(body.basis_points),
      fixedMinor: BigInt(body.fixed_minor),
    });
    return {
      object: 'merchant_pricing' as const,
      merchant_id: merchantId,
      currency,
      basis_points: body.basis_points,
      fixed_minor: body.fixed_minor,
    };
  }

  /**
   * The currencies priced for a merchant (by the PUT above or by merchant.pricing_set from the
   * gateway); any other currency is charged the default.
   */
  @Get('pricing/:merchantId')
  async pricing(@Param('merchantId') merchantId: string) {
    if (!MERCHANT_ID.test(merchantId)) throw invalid('merchantId', 'must be a merchant id');
    const priced = await this.state.pricingOf(merchantId);
    return {
      object: 'list' as const,
      data: priced.map(({ currency, pricing, updatedAt }) => ({
        object: 'merchant_pricing' as const,
        merchant_id: merchantId,
        currency,
        basis_points: Number(pricing.basisPoints),
        fixed_minor: pricing.fixedMinor.toString(),
        updated_at: updatedAt.toISOString(),
      })),
    };
  }

  /** Publishes ledger.entry_posted again for a range of sequences, with the original event ids. */
  @Post('republish')
  @HttpCode(202)
  async republishEntries(@Body() body: RepublishDto) {
    const from = BigInt(body.from_sequence);
    const to = body.to_sequence === undefined ? null : BigInt(body.to_sequence);
    if (to !== null && to < from) throw invalid('to_sequence', 'must not be below from_sequence');
    const count = await this.republish.markForRepublish(from, to);
    return {
      object: 'ledger_republish' as const,
      from_sequence: body.from_sequence,
      to_sequence: body.to_sequence ?? null,
      entries: count,
    };
  }

  /** A correction: posts the entry's postings negated, referencing it; an entry is reversed once. */
  @Post('entries/:id/reversal')
  async reverse(@Param('id') id: string, @Body() body: ReversalDto) {
    if (!UUID.test(id)) throw ApiError.notFound('ledger entry', id);
    return entryView(await this.reverseEntry.execute(id.toLowerCase(), body.reason));
  }
}

function invalid(param: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request_error', 'parameter_invalid', `${param} ${message}`, param);
}
