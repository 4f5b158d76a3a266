import { badParameter } from './errors';
import type { NewVersion } from './store';

// Validation of Set Secret's body (SecretSetParameters) and of names, with Azure's limits.

/** Key Vault object names: 1–127 letters, digits and dashes. */
const NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** Azure caps a secret value at 25 KB. */
const MAX_VALUE_BYTES = 25 * 1024;
const MAX_TAGS = 15;

export function checkName(name: string): void {
  if (!NAME.test(name)) throw badParameter(`The request URI contains an invalid name: ${name}`);
}

export function parseJson(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badParameter('The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badParameter('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

export function parseSetParameters(body: Record<string, unknown>): NewVersion {
  const { value } = body;
  if (typeof value !== 'string') throw badParameter("Property 'value' is required and must be a string.");
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw badParameter('Secret value exceeds the maximum size of 25 KB.');
  const out: NewVersion = { value };
  if (body.contentType !== undefined && body.contentType !== null) {
    if (typeof body.contentType !== 'string') throw badParameter("Property 'contentType' must be a string.");
    out.contentType = body.contentType;
  }
  if (body.tags !== undefined && body.tags !== null) out.tags = parseTags(body.tags);
  const attributes = body.attributes;
  if (attributes !== undefined && attributes !== null) {
    if (typeof attributes !== 'object' || Array.isArray(attributes)) throw badParameter("Property 'attributes' must be an object.");
    const a = attributes as Record<string, unknown>;
    if (a.enabled !== undefined && a.enabled !== null) {
      if (typeof a.enabled !== 'boolean') throw badParameter("Property 'attributes.enabled' must be a boolean.");
      out.enabled = a.enabled;
    }
    for (const field of ['nbf', 'exp'] as const) {
      const t = a[field];
      if (t === undefined || t === null) continue;
      if (typeof t !== 'number' || !Number.isFinite(t)) throw badParameter(`Property 'attributes.${field}' must be unix seconds.`);
      out[field] = Math.floor(t);
    }
  }
  return out;
}

function parseTags(tags: unknown): Record<string, string> {
  if (typeof tags !== 'object' || Array.isArray(tags) || tags === null) throw badParameter("Property 'tags' must be an object.");
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw badParameter(`A secret can have at most ${MAX_TAGS} tags.`);
  for (const [, v] of entries) if (typeof v !== 'string') throw badParameter('Tag values must be strings.');
  return Object.fromEntries(entries) as Record<string, string>;
}
