import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf, type ValidationOptions } from 'class-validator';
import { ApiError } from './api-error';

function firstError(
  errors: ValidationError[],
  prefix = '',
): { param: string; error: ValidationError } | null {
  for (const error of errors) {
    const param = prefix === '' ? error.property : `${prefix}[${error.property}]`;
    if (error.constraints && Object.keys(error.constraints).length > 0) return { param, error };
    const nested = firstError(error.children ?? [], param);
    if (nested) return nested;
  }
  return null;
}

/** class-validator with unknown fields rejected; the first problem becomes a 400 naming its param. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const found = firstError(errors);
      if (!found) return new ApiError(400, 'invalid_request_error', 'parameter_invalid', 'Invalid request.');
      const constraints = found.error.constraints ?? {};
      if ('whitelistValidation' in constraints) {
        return new ApiError(
          400,
          'invalid_request_error',
          'parameter_unknown',
          `Received unknown parameter: ${found.param}`,
          found.param,
        );
      }
      const missing =
        'isDefined' in constraints || Object.values(constraints).some((m) => /should not be empty/.test(m));
      const message = Object.values(constraints)[0] ?? 'is invalid';
      return new ApiError(
        400,
        'invalid_request_error',
        missing ? 'parameter_missing' : 'parameter_invalid',
        `Invalid ${found.param}: ${message}`,
        found.param,
      );
    },
  });
}

/**
 * Like @IsOptional, but only an absent field skips the checks: `null` is checked like any other
 * value, so `"card": null` is refused where an object is required rather than reaching the code
 * that reads it (class-validator's @IsOptional lets null through).
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}
