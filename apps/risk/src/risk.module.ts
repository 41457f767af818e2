import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@platform/service-runtime';
import { AssessmentsController } from './assessment/assessments.controller';
import { PaymentScreeningConsumer } from './assessment/payment-screening.consumer';
import { RiskAssessmentRepository } from './assessment/risk-assessment.repository';
import { RuleSource } from './assessment/rule-source';
import { ScreeningFacts } from './assessment/screening-facts.service';
import { BlockListRepository } from './lists/block-list.repository';
import { BlockListsController } from './lists/block-lists.controller';
import { RISK_MIGRATIONS } from './migrations';
import { ReviewQueueController } from './review-queue/review-queue.controller';
import { ReviewQueue } from './review-queue/review-queue.service';
import { ReviewRepository } from './review-queue/review.repository';
import { RISK_CONFIG, type RiskConfig } from './risk-config';
import { RuleSetRepository } from './rules/rule-set.repository';
import { RulesController } from './rules/rules.controller';
import { VelocityPruneJob } from './velocity/velocity-prune.job';
import { VelocityRepository } from './velocity/velocity.repository';

@Module({})
export class RiskModule {
  static register(config: RiskConfig): DynamicModule {
    return {
      module: RiskModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'risk',
          env: config,
          entities: [],
          migrations: RISK_MIGRATIONS,
        }),
      ],
      providers: [
        { provide: RISK_CONFIG, useValue: config },
        RuleSetRepository,
        RuleSource,
        BlockListRepository,
        VelocityRepository,
        ScreeningFacts,
        VelocityPruneJob,
        RiskAssessmentRepository,
        PaymentScreeningConsumer,
        ReviewRepository,
        ReviewQueue,
      ],
      controllers: [ReviewQueueController, RulesController, BlockListsController, AssessmentsController],
    };
  }
}
