/**
 * One shape for every error answer, `{ error: { code, message, where? } }`, with the status of
 * the catalogue entry: a client can branch on the code and show the sentence. Validation
 * errors name the parameter or body field; unexpected errors are logged and answered with a
 * generic sentence (never a stack trace or an internal value).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERRORS, isPpmatError, type ErrorCode } from '../errors/catalogue.js';

export interface ErrorBody {
  error: { code: string; message: string; where?: string };
}

export function errorBody(code: ErrorCode | string, message: string, where?: string): ErrorBody {
  return { error: { code, message, ...(where !== undefined ? { where } : {}) } };
}

/** Sends a catalogue error (its status from the catalogue). */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, where?: string): FastifyReply {
  return reply.code(ERRORS[code].httpStatus).type('application/json').send(errorBody(code, message, where));
}

export function installErrorHandling(app: FastifyInstance): void {
  // Requests Node's HTTP parser refuses never reach a route; Fastify's own answer to them is
  // `{"error":"Bad Request","message":"Client Error","statusCode":400}`. Replaced, so they
  // get the same shape as every other error. (Fastify's `clientErrorHandler` option does the
  // same from the constructor.)
  for (const listener of app.server.listeners('clientError')) app.server.off('clientError', listener as (...args: unknown[]) => void);
  app.server.on('clientError', answerClientError);

  app.setNotFoundHandler((request, reply) => {
    void sendError(reply, 'PPMAT_E_NOT_FOUND', `No route ${request.method} ${pathOf(request)}.`);
  });

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isPpmatError(error)) {
      return sendError(reply, error.code, stripWhere(error.message, error.where), error.where);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'request';
      const issues = error.validation.map((issue) => {
        const field = [context, ...issue.instancePath.split('/').filter(Boolean)].join('.');
        return { field, text: `${field}: ${issue.message}` };
      });
      return sendError(reply, 'PPMAT_E_REQUEST_INVALID', issues.map((i) => i.text).join('; '), issues[0]?.field);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'an answer did not match its schema');
      return reply.code(500).send(errorBody('PPMAT_E_INTERNAL', 'The server could not write its answer; the error is logged.'));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals: bad JSON, a body too large, an unsupported media type.
      return reply.code(status).type('application/json').send(errorBody('PPMAT_E_REQUEST_INVALID', clientMessage(error)));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).type('application/json').send(errorBody('PPMAT_E_INTERNAL', 'The server failed to answer; the error is logged.'));
  });
}

/**
 * The answer to a request that is not valid HTTP (bad framing, a chunk size that is not hex, a
 * header too large, raw control bytes in the request line): written to the socket, which is
 * then closed, as Node's and Fastify's default handlers do.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(errorBody('PPMAT_E_REQUEST_INVALID', message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The body must be JSON (Content-Type: application/json).';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty; send a JSON object.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The body is not valid JSON.';
    default:
      // Fastify's 4xx messages describe the request, not the server.
      return error.message.slice(0, 300);
  }
}

/** The request path without its query string (which may hold a value not to echo). */
function pathOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** PpmatError puts `where` in front of its message; the body carries it separately. */
function stripWhere(message: string, where: string | undefined): string {
  return where && message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
}
