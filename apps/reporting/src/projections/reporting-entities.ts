import { ProjectionCheckpointEntity } from './checkpoints/projection-checkpoint.entity';
import { VolumeDailyEntity } from './volume/volume-daily.entity';

export const REPORTING_ENTITIES = [VolumeDailyEntity, ProjectionCheckpointEntity];
