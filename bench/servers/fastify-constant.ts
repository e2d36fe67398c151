// Baseline: Fastify answering a constant string of the given size (and the given response headers), the ceiling for serving one page.
import Fastify from 'fastify';

const size = Number(process.argv[2] ?? '10000');
/** The page's own response headers (security headers and all), so both servers put the same bytes on the wire. */
const headers = JSON.parse(process.argv[3] ?? '{}') as Record<string, string>;
const body = 'x'.repeat(size);
const app = Fastify({ logger: false });
app.get('/post/:slug', (_request, reply) => {
  void reply.headers(headers).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
});
process.on('disconnect', () => process.exit(0));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ ready: true, port: typeof address === 'string' || address === null ? 0 : address.port });
