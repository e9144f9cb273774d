import { escapeHtml, schemaHtml, typeLabel } from './schema-html.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'trace'];

const text = (value: unknown): string => (typeof value === 'string' ? escapeHtml(value) : '');

const ACCESS: Record<string, string> = {
  none: 'no key',
  read: 'an API key (Bearer or ?token=)',
  write: 'an API key with the write scope (Bearer or ?token=)',
  admin: 'the admin key (BRIDGE_ADMIN_KEY)',
};

/** A message's name from its `$ref`, a JSON pointer whose last segment is the name. */
const refName = (ref: string): string => ref.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');

function operationHtml(path: string, method: string, operation: Json): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const rows = parameters.map(
    (p) => `<tr><td><code>${text(p.name)}</code></td><td>${text(p.in)}</td><td class="type">${escapeHtml(typeLabel(p.schema as Json))}</td><td>${p.required ? 'yes' : ''}</td><td>${text(p.description)}</td></tr>`,
  );
  const body = (operation.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content['application/json']?.schema;
  const responses = Object.entries(operation.responses as Record<string, Json>).map(([status, response]) => {
    const content = (response.content as Record<string, { schema?: Json }> | undefined) ?? {};
    const types = Object.keys(content).map((type) => `<code>${escapeHtml(type)}</code>`).join(' ');
    const schema = content['application/json']?.schema;
    return `<li><strong>${escapeHtml(status)}</strong> ${text(response.description)} ${types}${schema ? schemaHtml(schema) : ''}</li>`;
  });
  const access = ACCESS[operation['x-optbridge-access'] as string];
  return `<details id="${escapeHtml(`${method} ${path}`)}">
<summary><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> ${text(operation.summary)}</summary>
${operation.description ? `<p>${text(operation.description)}</p>` : ''}
${access === undefined ? '' : `<p class="access">Needs ${escapeHtml(access)}.</p>`}
${rows.length > 0 ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr>${rows.join('')}</table>` : ''}
${body ? `<h4>Request body</h4>${schemaHtml(body)}` : ''}
<h4>Responses</h4><ul>${responses.join('')}</ul>
</details>`;
}

function channelHtml(id: string, channel: Json, operations: Json[]): string {
  const messages = channel.messages as Record<string, { name: string; summary?: string; payload: Json }>;
  const direction = (action: string): string => {
    const refs = operations.filter((o) => o.action === action).flatMap((o) => o.messages as { $ref: string }[]);
    return refs
      .map(({ $ref }) => messages[refName($ref)]!)
      .map((m) => `<li><code>${escapeHtml(m.name)}</code> ${text(m.summary)}${schemaHtml(m.payload)}</li>`)
      .join('');
  };
  const query = (channel.bindings as { ws?: { query?: Json } } | undefined)?.ws?.query;
  const received = direction('receive');
  return `<details id="${escapeHtml(id)}">
<summary><span class="method ws">WS</span> <code>${text(channel.address)}</code> ${text(channel.title)}</summary>
${channel.description ? `<p>${text(channel.description)}</p>` : ''}
${query ? `<h4>Query</h4>${schemaHtml(query)}` : ''}
<h4>The bridge sends</h4><ul>${direction('send')}</ul>
${received ? `<h4>A client may send</h4><ul>${received}</ul>` : ''}
</details>`;
}

/**
 * The two documents as one plain page, rendered on the server: no script at all, so it runs under a CSP of
 * `default-src 'none'` with only its own stylesheet.
 */
export function docsPage(openapi: Json, asyncapi: Json): string {
  const paths = openapi.paths as Record<string, Json>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((method) => method in item).map((method) => ({ path, method, operation: item[method] as Json })),
  );
  const tagOf = (operation: Json): string => ((operation.tags as string[] | undefined) ?? ['other'])[0]!;
  const tags = [...new Set(operations.map(({ operation }) => tagOf(operation)))];
  const sections = tags.map(
    (tag) => `<section id="tag-${escapeHtml(tag)}"><h3 class="tag">${escapeHtml(tag)}</h3>${operations
      .filter(({ operation }) => tagOf(operation) === tag)
      .map(({ path, method, operation }) => operationHtml(path, method, operation))
      .join('\n')}</section>`,
  );
  const allOperations = Object.values(asyncapi.operations as Record<string, Json>);
  const channels = Object.entries(asyncapi.channels as Record<string, Json>).map(([id, channel]) =>
    channelHtml(id, channel, allOperations.filter((o) => (o.channel as { $ref: string }).$ref === `#/channels/${id}`)),
  );
  const fallbacks = (openapi['x-optbridge-fallbacks'] as Json[]).map(
    (f) => `<li><code>${text(f.method)} ${text(f.pattern)}</code> ${text(f.summary)}${f.description ? ` — ${text(f.description)}` : ''}</li>`,
  );
  const info = openapi.info as Json;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>optbridge API</title>
<link rel="stylesheet" href="/bridge/v1/docs.css">
</head>
<body>
<header>
<h1>optbridge API <small>${text(info.version)}</small></h1>
<p>${text(info.description)}</p>
<p>Machine-readable: <a href="/bridge/v1/openapi.json">OpenAPI 3.1</a> · <a href="/bridge/v1/asyncapi.json">AsyncAPI 3</a></p>
<nav>HTTP: ${tags.map((tag) => `<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join(' · ')} · <a href="#websocket">WebSocket</a></nav>
</header>
<main>
<section><h2>HTTP</h2>${sections.join('\n')}</section>
<section id="websocket"><h2>WebSocket</h2>${channels.join('\n')}</section>
<section><h2>Every other request</h2><ul>${fallbacks.join('')}</ul></section>
</main>
</body>
</html>
`;
}

export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d2330}
h1 small{font-size:.5em;color:#667}
h2{border-bottom:2px solid #dde;margin-top:2.5rem}
details{border:1px solid #dde;border-radius:6px;margin:.5rem 0;padding:.4rem 1rem}
details[open]{padding-bottom:.75rem}
summary{cursor:pointer}
h3.tag{text-transform:capitalize;margin-top:1.5rem}
nav a{margin:0 .15rem}
h4{margin:.75rem 0 .25rem;font-size:.9rem;text-transform:uppercase;color:#556}
code{font:13px ui-monospace,monospace;background:#f3f4f8;padding:0 .2em;border-radius:3px}
.method{display:inline-block;min-width:3.5em;text-align:center;border-radius:3px;color:#fff;font-size:.8rem;padding:.1em .4em;background:#556}
.method.get{background:#2b6cb0}.method.post{background:#2f855a}.method.delete{background:#c53030}.method.ws{background:#6b46c1}
.type{color:#6b46c1;font-size:.85em}
.access{color:#667;font-size:.9em}
ul.fields{margin:.2rem 0;padding-left:1.25rem}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #dde;padding:.2em .5em;text-align:left}
`;
