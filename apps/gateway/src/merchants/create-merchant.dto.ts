import { IsDefined, IsString, Length } from 'class-validator';

export class CreateMerchantDto {
  @IsDefined()
  @Length(1, 100)
  @IsString()
  name!: string;
}
