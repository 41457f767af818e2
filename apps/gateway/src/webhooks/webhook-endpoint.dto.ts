import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { ENABLED_EVENT_VALUES } from '../domain/webhook-event-types';

export class CreateWebhookEndpointDto {
  @IsDefined()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true })
  @MaxLength(2048)
  @IsString()
  url!: string;

  /** Event types to deliver ('*' for all); all when omitted. */
  @IsOptionalNotNull()
  // An unknown type would be stored and silently never delivered: refuse it.
  @IsIn(ENABLED_EVENT_VALUES, {
    each: true,
    message: `must be event types the gateway delivers (${ENABLED_EVENT_VALUES.join(', ')})`,
  })
  @IsString({ each: true })
  @ArrayMaxSize(50)
  @ArrayMinSize(1)
  @IsArray()
  enabled_events?: string[];

  @IsOptionalNotNull()
  @MaxLength(500)
  @IsString()
  description?: string;
}
