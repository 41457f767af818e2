import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';
import { toApiErrorResponse } from './api-exception.filter';

/**
 * Limits on what a request may carry, checked once its JSON body is parsed and before anything
 * validates, hashes or stores it: nesting depth and entry count (deep JSON overflowed the stack of
 * recursive code downstream), strings Postgres cannot store (NUL, unpaired UTF-16 surrogates), and
 * keys that name JavaScript built-ins (class-transformer drops `constructor`, `toString` and
 * friends silently, `__proto__` reaches prototypes). Refused with a 400 naming the parameter.
 */

/** Levels of objects and arrays; the API's deepest documented body has 4. */
export const JSON_DEPTH_MAX = 20;
/** Object members and array elements in one body or query, all levels together. */
export const JSON_ENTRIES_MAX = 10_000;
/** A param named in an error is cut here: it echoes what the client sent. */
const PARAM_LENGTH_MAX = 200;

/** `constructor`, `__proto__`, `toString`, `hasOwnProperty` and the rest of Object.prototype. */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/** NUL, or a surrogate without its pair: neither can be stored as UTF-8 text. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern finds.
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface InputProblem {
  readonly code: 'parameter_invalid' | 'body_too_deep' | 'body_too_many_entries';
  readonly message: string;
  readonly param?: string;
}

function paramName(parent: string, key: string): string {
  const name = parent === '' ? key : `${parent}[${key}]`;
  return name.length > PARAM_LENGTH_MAX ? `${name.slice(0, PARAM_LENGTH_MAX)}…` : name;
}

/** A printable rendering of a param whose name itself is the problem. */
function printable(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}

/**
 * The first problem of a parsed value (a JSON body, a query object), or null. Iterative, so the
 * check itself cannot overflow however deep the value is.
 */
export function inputProblem(value: unknown): InputProblem | null {
  const pending: { value: unknown; param: string; depth: number }[] = [{ value, param: '', depth: 0 }];
  let entries = 0;
  while (pending.length > 0) {
    const { value: current, param, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE_TEXT.test(current)) {
        const reason = 'text must not contain NUL characters or unpaired UTF-16 surrogates.';
        return param === ''
          ? { code: 'parameter_invalid', message: `Invalid request: ${reason}` }
          : { code: 'parameter_invalid', param, message: `Invalid ${printable(param)}: ${reason}` };
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= JSON_DEPTH_MAX) {
      return {
        code: 'body_too_deep',
        message: `The request nests objects and arrays deeper than ${JSON_DEPTH_MAX} levels.`,
      };
    }
    const children: [string, unknown][] = Array.isArray(current)
      ? current.map((item, index): [string, unknown] => [String(index), item])
      : Object.entries(current);
    entries += children.length;
    if (entries > JSON_ENTRIES_MAX) {
      return {
        code: 'body_too_many_entries',
        message: `The request holds more than ${JSON_ENTRIES_MAX} values in its objects and arrays.`,
      };
    }
    // Own keys only: JSON.parse makes `__proto__` an own key, which Object.entries lists.
    for (const [key, child] of children) {
      const childParam = paramName(param, key);
      if (!Array.isArray(current) && (RESERVED_KEYS.has(key) || UNSTORABLE_TEXT.test(key))) {
        return {
          code: 'parameter_invalid',
          param: childParam,
          message: RESERVED_KEYS.has(key)
            ? `Invalid ${printable(childParam)}: "${key}" names a JavaScript built-in and cannot be a key.`
            : `Invalid ${printable(childParam)}: keys must not contain NUL characters or unpaired UTF-16 surrogates.`,
        };
      }
      pending.push({ value: child, param: childParam, depth: depth + 1 });
    }
  }
  return null;
}

/** The path as the router will decode it: a malformed escape or a NUL is refused here. */
function pathProblem(path: string): InputProblem | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { code: 'parameter_invalid', message: 'The URL path is not valid percent-encoded UTF-8.' };
  }
  return UNSTORABLE_TEXT.test(decoded)
    ? { code: 'parameter_invalid', message: 'The URL path must not contain NUL characters.' }
    : null;
}

/**
 * Express middleware, after the body parser: answers 400 in the error shape when the path, query
 * or body breaks the limits above, before any guard, interceptor or pipe sees the request.
 */
export function rejectMalformedInput(request: Request, response: Response, next: NextFunction): void {
  const problem =
    pathProblem(request.path) ?? inputProblem(request.query) ?? inputProblem(request.body as unknown);
  if (problem === null) {
    next();
    return;
  }
  const { status, body } = toApiErrorResponse(
    new ApiError(400, 'invalid_request_error', problem.code, problem.message, problem.param),
  );
  response.status(status).json(body);
}
