import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { unixSeconds } from '../admin/admin-request';
import { RISK_CONFIG } from '../risk-config';
import { RiskAssessmentRepository } from './risk-assessment.repository';

const PAYMENT_ID = /^pay_[A-Za-z0-9]{8,64}$/;

/**
 * A payment's first assessment for analysts (ADMIN_TOKEN): why it was decided so, under which
 * rules version, and the keys it was screened under: its card fingerprint, which is how an analyst
 * puts a fraudulent card on a block list, and the keyed hashes of its customer id, email and IP
 * (risk never stores those in plain text; equal hashes mean the same value).
 */
@Controller('v1/assessments')
@UseGuards(bearerTokenGuard(RISK_CONFIG, 'ADMIN_TOKEN'))
export class AssessmentsController {
  constructor(private readonly assessments: RiskAssessmentRepository) {}

  @Get(':paymentId')
  async get(@Param('paymentId') paymentId: string) {
    const found = PAYMENT_ID.test(paymentId) ? await this.assessments.findByPayment(paymentId) : null;
    if (found === null) throw ApiError.notFound('assessment', paymentId, 'paymentId');
    return {
      object: 'assessment' as const,
      payment_id: found.paymentId,
      merchant_id: found.merchantId,
      decision: found.decision,
      score: found.score,
      reasons: found.reasons,
      shadow_reasons: found.shadowReasons,
      rules_version: found.rulesVersion,
      screened_keys: found.screenedKeys,
      created: unixSeconds(found.createdAt),
    };
  }
}
