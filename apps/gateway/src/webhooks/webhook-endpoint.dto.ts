import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';

export class CreateWebhookEndpointDto {
  @IsDefined()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true })
  @MaxLength(2048)
  @IsString()
  url!: string;

  /** Event types to deliver ('*' for all); all when omitted. */
  @IsOptionalNotNull()
  @Matches(/^(\*|[a-z_]{1,40}\.[a-z_.]{1,60})$/, {
    each: true,
    message: 'must be event types such as payment.captured, or *',
  })
  @ArrayMaxSize(50)
  @ArrayMinSize(1)
  @IsArray()
  enabled_events?: string[];

  @IsOptionalNotNull()
  @MaxLength(500)
  @IsString()
  description?: string;
}
