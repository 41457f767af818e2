import type { MerchantEventEntity } from './merchant-event.entity';

export interface MerchantEventResource {
  readonly id: string;
  readonly object: 'event';
  readonly type: string;
  readonly data: { readonly object: unknown };
  readonly created: number;
  readonly livemode: false;
}

export function toMerchantEventResource(event: MerchantEventEntity): MerchantEventResource {
  return {
    id: event.id,
    object: 'event',
    type: event.type,
    data: event.data,
    created: Math.floor(event.createdAt.getTime() / 1000),
    livemode: false,
  };
}
