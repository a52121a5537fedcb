/**
 * Route declarations: the one way every simulator module lists its endpoints. `route()` makes one server
 * {@link Route}; `routeFamily()` makes a declarer for a family of routes that share a path prefix and a
 * guard (auth, envelope, failure rendering), so that a new operation is one line:
 * `api('POST', '/payment/settings', (ctx) => …)`.
 */
import type { Route, RouteHandler } from '../server';

/** One route: method, pattern (`:name` segments are URL-decoded params) and handler. */
export function route(method: string, pattern: string, handler: RouteHandler): Route {
  return { method, pattern, handler };
}

/** Declares routes of one family: `path` is appended to `prefix`, and `wrap` turns the family's handler into a server handler. */
export type RouteDeclarer<H> = (method: string, path: string, handler: H) => Route;

export function routeFamily<H>(prefix: string, wrap: (handler: H) => RouteHandler): RouteDeclarer<H> {
  return (method, path, handler) => route(method, `${prefix}${path}`, wrap(handler));
}

/** Whether a route pattern has the shape of a path split on '/' (literals equal, `:params` non-empty). */
export function patternMatches(pattern: string, segments: readonly string[]): boolean {
  const parts = pattern.split('/');
  return parts.length === segments.length && parts.every((p, i) => (p.startsWith(':') ? segments[i] !== '' : p === segments[i]));
}

/** The methods of `routes` whose pattern matches `path`, each once, in route order (for a 405's `allow`). */
export function allowedMethods(routes: readonly Route[], path: string): string[] {
  const segments = path.split('/');
  return [...new Set(routes.filter((r) => patternMatches(r.pattern, segments)).map((r) => r.method))];
}
