/** One error shape for every page, its JSON twin and the write API: { error: { status, code, message } }. */
import { PlandbError } from '../errors.js';
import { NotFoundError } from '../query/common.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { status: number; code: string; message: string };
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', what);
export const badRequest = (message: string) => new HttpError(400, 'BAD_REQUEST', message);

/** Maps any thrown value to the error shape; library errors keep their one-line message, never a stack. */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof NotFoundError) return new HttpError(404, 'NOT_FOUND', e.message);
  if (e instanceof PlandbError) {
    if (e.code === 'USAGE') return new HttpError(400, 'BAD_REQUEST', e.message.replace(/--(\w+)/g, '$1'));
    if (e.code === 'DB') return new HttpError(503, 'DB_UNAVAILABLE', e.message);
    return new HttpError(400, e.code, e.toLine());
  }
  const fastifyStatus = (e as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500)
    return new HttpError(fastifyStatus, (e as { code?: string }).code ?? 'BAD_REQUEST', (e as Error).message);
  return new HttpError(500, 'INTERNAL', 'internal error (run with PLANDB_DEBUG=1 to log it)');
}

export function errorBody(e: HttpError): ErrorBody {
  return { error: { status: e.status, code: e.code, message: e.message } };
}
