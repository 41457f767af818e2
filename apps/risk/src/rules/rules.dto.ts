import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { RULES_MAX, RULE_ID_LENGTH_MAX, RULE_KINDS, type RuleKind } from '../domain/risk-rules';

/** One rule as the admin API takes it; its params are checked by kind in domain/rule-wire.ts. */
export class RuleDto {
  @Matches(/^[a-z0-9][a-z0-9_.-]*$/, { message: "must be lower-case letters, digits, '_', '.', '-'" })
  @MaxLength(RULE_ID_LENGTH_MAX)
  @IsString()
  @IsDefined()
  id!: string;

  @IsIn(RULE_KINDS)
  @IsDefined()
  kind!: RuleKind;

  @IsIn(['block', 'review', 'allow'])
  @IsDefined()
  action!: 'block' | 'review' | 'allow';

  @Max(100)
  @Min(0)
  @IsInt()
  @IsDefined()
  weight!: number;

  @IsOptionalNotNull()
  @IsIn(['enforce', 'shadow'])
  mode?: 'enforce' | 'shadow';

  @IsOptionalNotNull()
  @IsObject()
  params?: Record<string, unknown>;
}

/** PUT /v1/rules and /v1/merchants/:id/rules: the scope's whole rule set. */
export class PutRulesDto {
  @ValidateNested({ each: true })
  @Type(() => RuleDto)
  @ArrayMaxSize(RULES_MAX)
  @IsArray()
  @IsDefined()
  rules!: RuleDto[];

  /** When given, the change is refused with 409 unless this is the current version (0: none yet). */
  @IsOptionalNotNull()
  @Min(0)
  @IsInt()
  expected_version?: number;
}

export class HistoryQueryDto {
  @IsOptional()
  @Max(100)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  @IsOptional()
  @Min(1)
  @IsInt()
  @Type(() => Number)
  before_version?: number;
}
