import type { TObject, TSchema } from '@sinclair/typebox';
import type { TemplatedApp } from './uws.js';
import type { Validator } from './validation.js';

/** Who may call a route: a tenant's API key (read, or write for submitting and cancelling), the operator's admin key, or anyone. */
export type Access = 'read' | 'write' | 'admin' | 'none';

export interface ResponseDoc {
  description: string;
  /** The JSON body; none for a bodyless or non-JSON answer. */
  schema?: TSchema;
  /** Other media types the route may answer with instead (Prometheus text, NDJSON, CSV, HTML). */
  contentTypes?: readonly string[];
}

/** What the API documents say of one HTTP route; the validators are the ones the route parses its input with. */
export interface RouteDocs<B extends TSchema = TSchema, Q extends TObject = TObject> {
  summary: string;
  description?: string;
  access: Access;
  body?: Validator<B>;
  query?: Validator<Q>;
  /** Success answers by status; the dialect's error shape is added for the error statuses. */
  responses: Record<number, ResponseDoc>;
}

/** How the API documents group a set of routes (a dialect's, the bridge's own) and what their error bodies look like. */
export interface RouteGroup {
  tag: string;
  errorSchema: TSchema;
}

/** What the AsyncAPI document says of one WebSocket route. */
export interface SocketDocs {
  summary: string;
  description?: string;
  /** Query parameters the socket reads (besides the `token` credential). */
  query?: TObject;
  /** Every message the server sends, each with a `title`. */
  send: readonly TSchema[];
  /** Every message a client may send. */
  receive: readonly TSchema[];
}

/** uWS's registering methods; `ws` mounts a WebSocket route, the others HTTP ones. */
const MOUNTING = ['get', 'post', 'put', 'del', 'patch', 'head', 'options', 'connect', 'trace', 'any', 'ws'] as const;
export type MountKind = (typeof MOUNTING)[number];
const HTTP_METHODS: ReadonlySet<MountKind> = new Set(['get', 'post', 'put', 'del', 'patch', 'head', 'connect', 'trace']);

export interface MountedRoute {
  kind: MountKind;
  /** As uWS takes it: `/v1/jobs/:id`, `/*`. */
  pattern: string;
  docs?: RouteDocs;
  group?: RouteGroup;
  /** A WebSocket route's docs and the dialect whose messages they are. */
  socket?: SocketDocs & { dialect: string };
}

const patternExpression = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`);

/** Every route the app mounts, in order, as uWS was asked to mount it, with what its mounter says about it. */
export class RouteRegistry {
  readonly #routes: (MountedRoute & { expression: RegExp })[] = [];

  get routes(): readonly MountedRoute[] {
    return this.#routes;
  }

  /** Called for each uWS registration (see `recordingApp`), so nothing mounted is missed. */
  mounted(kind: MountKind, pattern: string): void {
    if (!this.#find(kind, pattern)) this.#routes.push({ kind, pattern, expression: patternExpression(pattern) });
  }

  describe(kind: MountKind, pattern: string, details: Pick<MountedRoute, 'docs' | 'group' | 'socket'>): void {
    this.mounted(kind, pattern);
    Object.assign(this.#find(kind, pattern)!, details);
  }

  /** The methods the app serves `path` with (empty when no HTTP route has the path at all). */
  allowedMethods(path: string): string[] {
    const methods = this.#routes.filter((r) => HTTP_METHODS.has(r.kind) && r.expression.test(path)).map((r) => r.kind.toUpperCase());
    return [...new Set(methods)];
  }

  #find(kind: MountKind, pattern: string): (MountedRoute & { expression: RegExp }) | undefined {
    return this.#routes.find((r) => r.kind === kind && r.pattern === pattern);
  }
}

const REGISTRIES = new WeakMap<TemplatedApp, RouteRegistry>();

export function registryOf(app: TemplatedApp): RouteRegistry {
  let registry = REGISTRIES.get(app);
  if (!registry) REGISTRIES.set(app, (registry = new RouteRegistry()));
  return registry;
}

/**
 * The app as the server's parts see it: each uWS registration goes to the registry before uWS, so the
 * API documents list whatever is mounted, through `route()` or straight on uWS. Publishing and the rest
 * pass through; the server's hot paths hold the bare app, not this.
 */
export function recordingApp(app: TemplatedApp): TemplatedApp {
  const registering: ReadonlySet<PropertyKey> = new Set(MOUNTING);
  const recording: TemplatedApp = new Proxy(app, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (!registering.has(property)) return value.bind(target);
      return (pattern: string, handler: unknown) => {
        registryOf(recording).mounted(property as MountKind, pattern);
        value.call(target, pattern, handler);
        return recording;
      };
    },
  });
  return recording;
}
