import { z } from 'zod';

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** Thrown at boot with every bad variable at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(
    readonly serviceName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${serviceName}: invalid environment:\n` +
        issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against an app's schema. Keys of the schema are variable names;
 * empty strings count as unset so that `FOO=` falls back to the default.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  serviceName: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? '(environment)'),
    message: issue.message,
  }));
  throw new ConfigError(serviceName, issues);
}
