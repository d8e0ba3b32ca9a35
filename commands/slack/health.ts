/** `GET /healthz` beside Bolt's events path: 200 when the database and the cloud answer, 503 otherwise. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health } from '../../src/app/health';

export function healthRoute(check: () => Promise<Health>) {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      void check().then(
        (h) => {
          res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify(h));
        },
        () => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false }));
        },
      );
    },
  };
}
