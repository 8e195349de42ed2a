/**
 * `GET /api/openapi.json` (OpenAPI 3.1, generated from the routes' zod schemas) and `GET /api/docs`
 * (the same document rendered for people, server-side, no external scripts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { AppShell } from "../../components/app_shell.tsx";
import type { AppEnv } from "../../lib/http/context.ts";
import { renderPage } from "../../lib/render/page.tsx";

type Doc = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Operation = {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, { description?: string }>;
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function schemaText(schema: unknown, doc: Doc): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  const resolved = ref ? doc.components?.schemas?.[ref.split("/").pop()!] : schema;
  return JSON.stringify(resolved, null, 2);
}

function ApiDocs({ doc }: { doc: Doc }) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((method) => ({
      path,
      method,
      op: (item as Record<string, Operation>)[method],
    }))
  );
  return (
    <AppShell>
      <h1>
        {doc.info.title} <small class="muted">v{doc.info.version}</small>
      </h1>
      <p>{doc.info.description}</p>
      <p>
        <a href="/api/openapi.json">openapi.json</a>
      </p>
      {operations.map(({ path, method, op }) => (
        <section class="card api-op" id={`${method}-${path}`}>
          <h2>
            <span class={`method method-${method}`}>{method.toUpperCase()}</span>{" "}
            <code>/api/v1{path}</code>
          </h2>
          {op.summary && <p>{op.summary}</p>}
          {op.security && op.security.length > 0 && (
            <p class="muted">Requires a session cookie or a bearer token.</p>
          )}
          {op.parameters && op.parameters.length > 0 && (
            <p>
              Parameters:{" "}
              {op.parameters.map((p) => (
                <code>{p.name} ({p.in}{p.required ? ", required" : ""})</code>
              ))}
            </p>
          )}
          {op.requestBody?.content?.["application/json"] && (
            <details>
              <summary>Request body</summary>
              <pre>{schemaText(op.requestBody.content["application/json"].schema, doc)}</pre>
            </details>
          )}
          <ul class="responses">
            {Object.entries(op.responses ?? {}).map(([status, response]) => (
              <li>
                <code>{status}</code> {response.description}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </AppShell>
  );
}

export function docsRoutes(api: OpenAPIHono<AppEnv>) {
  let cached: Doc | undefined;
  const document = () =>
    cached ??= api.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Headway API",
        version: "1",
        description:
          "JSON API for Headway. Authenticate with the session cookie (browsers) or `Authorization: Bearer <token>` (personal API tokens from Settings). Errors are `{error, detail, timestamp, request_id}`.",
      },
      servers: [{ url: "/api/v1" }],
    });
  return new Hono<AppEnv>()
    .get("/api/openapi.json", (c) => c.json(document()))
    .get("/api/docs", (c) => renderPage(c, <ApiDocs doc={document()} />, { title: "API" }));
}
