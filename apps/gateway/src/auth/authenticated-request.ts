import type { Request } from 'express';
import type { MerchantEntity } from '../merchants/merchant.entity';

/** A request the API-key guard let through, with the merchant its key belongs to. */
export interface AuthenticatedRequest extends Request {
  merchant?: MerchantEntity;
}
