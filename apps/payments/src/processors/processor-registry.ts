import type { ProcessorConnector } from './processor-connector';

/** The processor every payment goes to until routing (by method, currency, cost, health) lands. */
export const DEFAULT_PROCESSOR_NAME = 'simulated-a';

/** The connectors this service can use, by name. */
export class ProcessorRegistry {
  private readonly connectors: ReadonlyMap<string, ProcessorConnector>;

  constructor(
    connectors: readonly ProcessorConnector[],
    private readonly defaultName: string = DEFAULT_PROCESSOR_NAME,
  ) {
    this.connectors = new Map(connectors.map((connector) => [connector.name, connector]));
    if (this.connectors.size !== connectors.length) throw new Error('two processor connectors share a name');
    if (!this.connectors.has(defaultName))
      throw new Error(`no connector for the default processor ${defaultName}`);
  }

  /** The connector that authorizes a new payment: the default one for now. */
  route(): ProcessorConnector {
    return this.byName(this.defaultName);
  }

  all(): ProcessorConnector[] {
    return [...this.connectors.values()];
  }

  has(name: string): boolean {
    return this.connectors.has(name);
  }

  /** The connector that holds an authorization (a capture goes where the authorization was made). */
  byName(name: string): ProcessorConnector {
    const connector = this.connectors.get(name);
    if (connector === undefined) throw new Error(`unknown processor ${name}`);
    return connector;
  }
}
