import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { shutdownTracing } from '@platform/telemetry';

/** Flushes the spans still buffered when the service stops, so a trace is not cut short. */
@Injectable()
export class TelemetryLifecycle implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
}
