// The one way a route answers with an error: the code comes from HTTP_ERRORS (src/errors.ts), which fixes the status.
import type { FastifyReply } from 'fastify';
import { HTTP_ERRORS, type HttpErrorCode } from '../errors.js';

export interface ErrorOptions {
  /** A more specific message than the table's (e.g. which values are allowed). */
  readonly message?: string;
  /** `json` (default): {"error": code} (plus `message` when given); `text`: the message as plain text (for humans). */
  readonly as?: 'json' | 'text';
  /** More fields of the JSON body, for a code whose documented body has them (e.g. `reason`). */
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
}

export function sendError(reply: FastifyReply, code: HttpErrorCode, options: ErrorOptions = {}): FastifyReply {
  const { status, message } = HTTP_ERRORS[code];
  void reply.code(status);
  if (options.as === 'text') return reply.type('text/plain; charset=utf-8').send(options.message ?? message);
  return reply.send({
    error: code,
    ...(options.message === undefined ? {} : { message: options.message }),
    ...options.fields,
  });
}
