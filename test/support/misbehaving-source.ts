import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateUsers } from '../../src/dev/fake-source/generator';

export type Misbehaviour = 'http-500' | 'http-429' | 'reset' | 'never-ends' | 'html' | 'truncated-json' | 'error-body' | 'over-cap' | 'missing-fields';

/**
 * A randomuser-compatible server that misbehaves on purpose: each request takes the next entry of
 * `plan` (then answers properly once the plan is empty).
 */
export async function startMisbehavingSource() {
  const plan: Misbehaviour[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const users = generateUsers({ seed: url.searchParams.get('seed') ?? 'x', page: Number(url.searchParams.get('page') ?? 1), results: Number(url.searchParams.get('results') ?? 1) });
    const body = JSON.stringify({ results: users, info: { seed: url.searchParams.get('seed'), results: users.length, page: 1, version: '1.4' } });
    const json = { 'content-type': 'application/json; charset=utf-8' };
    switch (plan.shift()) {
      case 'http-500': return void response.writeHead(500, json).end('{"error":"Internal Server Error"}');
      case 'http-429': return void response.writeHead(429, { ...json, 'retry-after': '1' }).end('{"error":"Too many requests"}');
      case 'reset': return void request.socket.destroy();
      case 'never-ends':
        hanging.add(response);
        response.writeHead(200, json);
        response.write('{"results": [');
        return;
      case 'html': return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html>\n<html><body>Bad gateway</body></html>');
      case 'truncated-json': return void response.writeHead(200, json).end(body.slice(0, Math.floor(body.length / 2)));
      case 'error-body': return void response.writeHead(200, json).end('{"error":"Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you."}');
      case 'over-cap': return void response.writeHead(200, json).end(JSON.stringify({ results: users, info: { padding: 'x'.repeat(256 * 1024) } }));
      case 'missing-fields': {
        const broken = users.map(({ login: _login, ...rest }) => rest);
        return void response.writeHead(200, json).end(JSON.stringify({ results: broken, info: { seed: url.searchParams.get('seed'), results: broken.length, page: 1, version: '1.4' } }));
      }
      default: return void response.writeHead(200, json).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    plan,
    close: () => new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
