import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Requests refused before any route runs still answer in MLflow's error shape: a URL the router
 * cannot decode (e.g. `%c0%ae`), and requests Node's HTTP parser rejects outright (e.g. a raw NUL
 * byte in the path), which only a raw-socket reply can answer.
 */
export function frameworkErrorHandler(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(400)
    .send({ error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid request URL: ${error.message}` });
}

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error_code: 'BAD_REQUEST',
    message: `Malformed HTTP request: ${error.message}`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
