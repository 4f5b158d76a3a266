// A small reader for the subset of Bicep that infra/main.bicep uses, so its structure can be tested without the
// Bicep compiler. It is deliberately strict: anything it does not understand (modules, nested resource
// declarations, user-defined types, an unknown character, an unbalanced bracket, an unterminated string) is an
// error, never silently skipped. It checks syntax and references, not Azure resource schemas.

export class BicepSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'BicepSyntaxError';
  }
}

export type Token =
  | { kind: 'ident' | 'number' | 'punct' | 'newline'; value: string; line: number }
  | { kind: 'string'; value: string; line: number; interpolations: Token[][] };

const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '??', '=~', '!~', '=>', '.?'];
const PUNCT1 = '{}[]():,.?=@!<>+-*/%';
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/** Splits Bicep source into tokens; throws on unbalanced brackets, unterminated strings or comments, stray characters. */
export function tokenize(src: string): Token[] {
  const { tokens, end } = lex(src, 0, 1, false);
  if (end !== src.length) throw new BicepSyntaxError('unexpected }', lineAt(src, end));
  return tokens;
}

function lineAt(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === '\n') line++;
  return line;
}

/** Lexes from pos; in an interpolation, stops at the `}` that closes it (returned as end, pointing at it). */
function lex(src: string, pos: number, line: number, inInterpolation: boolean): { tokens: Token[]; end: number; line: number } {
  const tokens: Token[] = [];
  const stack: { ch: string; line: number }[] = [];
  let i = pos;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      if (inInterpolation) throw new BicepSyntaxError('line break inside a string interpolation', line);
      tokens.push({ kind: 'newline', value: '\n', line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new BicepSyntaxError('unterminated /* comment', line);
      for (let k = i; k < close; k++) if (src[k] === '\n') line++;
      i = close + 2;
    } else if (src.startsWith("'''", i)) {
      const close = src.indexOf("'''", i + 3);
      if (close < 0) throw new BicepSyntaxError("unterminated ''' string", line);
      const value = src.slice(i + 3, close);
      tokens.push({ kind: 'string', value, line, interpolations: [] });
      line += value.split('\n').length - 1;
      i = close + 3;
    } else if (c === "'") {
      const start = line;
      let value = '';
      const interpolations: Token[][] = [];
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new BicepSyntaxError('unterminated string', start);
        const ch = src[i]!;
        if (ch === "'") { i++; break; }
        if (ch === '\\') {
          const next = src[i + 1];
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };
          if (next === undefined || !(next in escapes)) throw new BicepSyntaxError(`unknown escape \\${next ?? ''}`, line);
          value += escapes[next];
          i += 2;
        } else if (src.startsWith('${', i)) {
          const inner = lex(src, i + 2, line, true);
          if (inner.tokens.length === 0) throw new BicepSyntaxError('empty ${} in a string', line);
          interpolations.push(inner.tokens);
          value += '${' + src.slice(i + 2, inner.end) + '}';
          i = inner.end + 1;
        } else {
          value += ch;
          i++;
        }
      }
      tokens.push({ kind: 'string', value, line: start, interpolations });
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9]/.test(src[j]!)) j++;
      tokens.push({ kind: 'number', value: src.slice(i, j), line });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      tokens.push({ kind: 'ident', value: src.slice(i, j), line });
      i = j;
    } else {
      const two = src.slice(i, i + 2);
      const p = PUNCT2.includes(two) ? two : PUNCT1.includes(c) ? c : undefined;
      if (p === undefined) throw new BicepSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
      if (p === '}' && inInterpolation && stack.length === 0) return { tokens, end: i, line };
      if (p in OPENERS) stack.push({ ch: p, line });
      if (CLOSERS.has(p)) {
        const open = stack.pop();
        if (!open) throw new BicepSyntaxError(`${p} closes nothing`, line);
        if (OPENERS[open.ch] !== p) throw new BicepSyntaxError(`${p} closes the ${open.ch} opened on line ${open.line}`, line);
      }
      tokens.push({ kind: 'punct', value: p, line });
      i += p.length;
    }
  }
  if (inInterpolation) throw new BicepSyntaxError('unterminated ${ in a string', line);
  const open = stack.pop();
  if (open) throw new BicepSyntaxError(`${open.ch} opened on line ${open.line} is never closed`, open.line);
  return { tokens, end: i, line };
}

export type Value =
  | { t: 'object'; props: Map<string, Value>; line: number }
  | { t: 'array'; items: Value[]; line: number }
  | { t: 'string'; value: string; interpolated: boolean; line: number }
  | { t: 'number'; value: number; line: number }
  | { t: 'bool'; value: boolean; line: number }
  | { t: 'null'; line: number }
  | { t: 'expr'; text: string; line: number };

interface Decorator { name: string; args: Value[]; line: number }

export interface Declaration {
  kind: 'targetScope' | 'param' | 'var' | 'resource' | 'output';
  name: string;
  line: number;
  decorators: Decorator[];
  /** param/output: the type as written (undefined when missing). */
  type?: string;
  /** resource: 'Microsoft.X/y' and '2024-01-01'. */
  resourceType?: string;
  apiVersion?: string;
  existing?: boolean;
  /** The declared value: a param's default, a var's or output's value, a resource's body. */
  value?: Value;
}

export interface Template {
  declarations: Declaration[];
  /** Every token sequence that is an expression (values, decorator arguments, conditions, interpolations). */
  expressions: Token[][];
}

const UNSUPPORTED = new Set(['module', 'import', 'type', 'func', 'metadata', 'extension', 'using', 'provider']);

/** Parses the declarations of a Bicep file; throws BicepSyntaxError on anything outside the supported subset. */
export function parseBicep(src: string): Template {
  const tokens = tokenize(src);
  const expressions: Token[][] = [];
  const declarations: Declaration[] = [];
  let i = 0;
  let decorators: Decorator[] = [];

  const at = (k: number): Token | undefined => tokens[k];
  const fail = (message: string, k = i): never => {
    throw new BicepSyntaxError(message, at(k)?.line ?? at(tokens.length - 1)?.line ?? 1);
  };
  const isPunct = (k: number, p: string) => at(k)?.kind === 'punct' && at(k)!.value === p;
  const expectPunct = (p: string) => { if (!isPunct(i, p)) fail(`expected ${p}, found ${describe(at(i))}`); i++; };
  const ident = (what: string): string => {
    const t = at(i);
    if (t?.kind !== 'ident') return fail(`expected ${what}, found ${describe(t)}`);
    i++;
    return t.value;
  };
  const endOfStatement = () => {
    if (i < tokens.length && at(i)!.kind !== 'newline') fail(`expected a line break, found ${describe(at(i))}`);
  };
  // A value runs to the first newline or comma outside brackets, or to the closing bracket of its container.
  const valueEnd = (from: number): number => {
    let depth = 0;
    let k = from;
    for (; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'punct' && t.value in OPENERS) depth++;
      else if (t.kind === 'punct' && CLOSERS.has(t.value)) { if (depth === 0) break; depth--; }
      else if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && t.value === ','))) break;
    }
    if (k === from) fail(`expected a value, found ${describe(at(from))}`, from);
    return k;
  };
  const matching = (open: number): number => {
    let depth = 0;
    for (let k = open; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'punct' && t.value in OPENERS) depth++;
      else if (t.kind === 'punct' && CLOSERS.has(t.value) && --depth === 0) return k;
    }
    return fail('unbalanced brackets', open);
  };
  const parseValue = (from: number, end: number): Value => {
    const first = tokens[from]!;
    const line = first.line;
    const whole = (open: string) => isPunct(from, open) && matching(from) === end - 1;
    if (whole('{')) return { t: 'object', props: parseObject(from + 1, end - 1), line };
    if (whole('[') && !(at(from + 1)?.kind === 'ident' && at(from + 1)!.value === 'for')) {
      return { t: 'array', items: parseItems(from + 1, end - 1), line };
    }
    if (end - from === 1) {
      if (first.kind === 'string') {
        expressions.push(...first.interpolations);
        return { t: 'string', value: first.value, interpolated: first.interpolations.length > 0, line };
      }
      if (first.kind === 'number') return { t: 'number', value: Number(first.value), line };
      if (first.kind === 'ident' && (first.value === 'true' || first.value === 'false')) return { t: 'bool', value: first.value === 'true', line };
      if (first.kind === 'ident' && first.value === 'null') return { t: 'null', line };
    }
    if (end - from === 2 && isPunct(from, '-') && at(from + 1)?.kind === 'number') {
      return { t: 'number', value: -Number(at(from + 1)!.value), line };
    }
    const expr = tokens.slice(from, end);
    if (expr.some((t) => t.kind === 'ident' && t.value === 'resource')) fail('nested resource declarations are not supported by this checker', from);
    expressions.push(expr);
    for (const t of expr) if (t.kind === 'string') expressions.push(...t.interpolations);
    return { t: 'expr', text: render(expr), line };
  };
  const parseObject = (from: number, end: number): Map<string, Value> => {
    const props = new Map<string, Value>();
    let k = from;
    while (k < end) {
      const t = tokens[k]!;
      if (t.kind === 'newline' || (t.kind === 'punct' && t.value === ',')) { k++; continue; }
      if (t.kind === 'ident' && t.value === 'resource' && !isPunct(k + 1, ':')) fail('nested resource declarations are not supported by this checker', k);
      let key: string;
      if (t.kind === 'ident') key = t.value;
      else if (t.kind === 'string' && t.interpolations.length === 0) key = t.value;
      else return fail(`expected a property name, found ${describe(t)}`, k);
      if (!isPunct(k + 1, ':')) fail(`expected : after ${key}`, k + 1);
      const vEnd = valueEnd(k + 2);
      if (vEnd > end) fail(`value of ${key} runs past its object`, k);
      if (props.has(key)) fail(`duplicate property ${key}`, k);
      props.set(key, parseValue(k + 2, vEnd));
      k = vEnd;
    }
    return props;
  };
  const parseItems = (from: number, end: number): Value[] => {
    const items: Value[] = [];
    let k = from;
    while (k < end) {
      const t = tokens[k]!;
      if (t.kind === 'newline' || (t.kind === 'punct' && t.value === ',')) { k++; continue; }
      const vEnd = valueEnd(k);
      items.push(parseValue(k, vEnd));
      k = vEnd;
    }
    return items;
  };
  const valueHere = (): Value => {
    const end = valueEnd(i);
    const v = parseValue(i, end);
    i = end;
    return v;
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === 'newline') { i++; continue; }
    if (t.kind === 'punct' && t.value === '@') {
      i++;
      let name = ident('a decorator name');
      if (isPunct(i, '.')) { i++; name = `${name}.${ident('a decorator name')}`; }
      const args: Value[] = [];
      if (isPunct(i, '(')) {
        const close = matching(i);
        args.push(...parseItems(i + 1, close));
        i = close + 1;
      }
      endOfStatement();
      decorators.push({ name, args, line: t.line });
      continue;
    }
    if (t.kind !== 'ident') fail(`expected a declaration, found ${describe(t)}`);
    if (UNSUPPORTED.has(t.value)) fail(`'${t.value}' is not supported by this checker`);
    i++;
    const decl: Declaration = { kind: 'var', name: '', line: t.line, decorators };
    decorators = [];
    switch (t.value) {
      case 'targetScope':
        decl.kind = 'targetScope';
        decl.name = 'targetScope';
        expectPunct('=');
        decl.value = valueHere();
        break;
      case 'param':
      case 'output': {
        decl.kind = t.value;
        decl.name = ident(`a ${t.value} name`);
        const typeStart = i;
        while (i < tokens.length && at(i)!.kind !== 'newline' && !isPunct(i, '=')) i++;
        if (i > typeStart) decl.type = render(tokens.slice(typeStart, i));
        if (isPunct(i, '=')) { i++; decl.value = valueHere(); } else if (t.value === 'output') fail('an output needs = value');
        break;
      }
      case 'var':
        decl.name = ident('a variable name');
        expectPunct('=');
        decl.value = valueHere();
        break;
      case 'resource': {
        decl.kind = 'resource';
        decl.name = ident('a resource name');
        const typeToken = at(i);
        if (typeToken?.kind !== 'string' || typeToken.interpolations.length > 0) fail("expected the resource type string 'Type@version'");
        const [type, version, ...rest] = (typeToken as { value: string }).value.split('@');
        if (!type || !version || rest.length > 0) fail(`resource type must be 'Type@version', found '${(typeToken as { value: string }).value}'`);
        decl.resourceType = type!;
        decl.apiVersion = version!;
        i++;
        if (at(i)?.kind === 'ident' && at(i)!.value === 'existing') { decl.existing = true; i++; }
        expectPunct('=');
        if (at(i)?.kind === 'ident' && at(i)!.value === 'if') {
          i++;
          if (!isPunct(i, '(')) fail('expected ( after if');
          const close = matching(i);
          expressions.push(tokens.slice(i + 1, close));
          i = close + 1;
        }
        decl.value = valueHere();
        break;
      }
      default:
        fail(`unknown declaration keyword ${t.value}`);
    }
    endOfStatement();
    declarations.push(decl);
  }
  if (decorators.length > 0) fail('decorator without a declaration', tokens.length - 1);
  return { declarations, expressions };
}

function describe(t: Token | undefined): string {
  if (!t) return 'end of file';
  if (t.kind === 'newline') return 'a line break';
  if (t.kind === 'string') return `'${t.value}'`;
  return t.value;
}

/** The source text of a token sequence (strings re-quoted, interpolations kept as written). */
function render(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    const text = t.kind === 'string' ? `'${t.value}'` : t.kind === 'newline' ? ' ' : t.value;
    const call = (text === '(' || text === '[') && /[\w)\]]$/.test(out);
    const glue = out === '' || call || /[.([!]$/.test(out) || /^[.,)\]:]/.test(text) ? '' : ' ';
    out += glue + text;
  }
  return out;
}

// ---------- Queries ----------

/** Follows a dotted path through object values. */
export function get(value: Value | undefined, path: string): Value | undefined {
  let v = value;
  for (const key of path.split('.')) {
    if (v?.t !== 'object') return undefined;
    v = v.props.get(key);
  }
  return v;
}

/** A literal, or a bare param/var name resolved to its default/value; undefined for anything computed. */
export function evaluate(template: Template, value: Value | undefined): string | number | boolean | null | undefined {
  if (!value) return undefined;
  switch (value.t) {
    case 'string': return value.interpolated ? undefined : value.value;
    case 'number':
    case 'bool': return value.value;
    case 'null': return null;
    case 'expr': {
      const decl = template.declarations.find((d) => (d.kind === 'param' || d.kind === 'var') && d.name === value.text);
      if (decl) return evaluate(template, decl.value);
      const member = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(value.text);
      const owner = member && template.declarations.find((d) => d.kind === 'var' && d.name === member[1]);
      return owner ? evaluate(template, get(owner.value, member![2]!)) : undefined;
    }
    default: return undefined;
  }
}

export function resources(template: Template, type?: string): Declaration[] {
  return template.declarations.filter((d) => d.kind === 'resource' && (type === undefined || d.resourceType === type));
}

export function declared(template: Template, kind: Declaration['kind'], name: string): Declaration | undefined {
  return template.declarations.find((d) => d.kind === kind && d.name === name);
}

const KEYWORDS = new Set(['true', 'false', 'null', 'if', 'for', 'in', 'existing']);
// Bicep functions this template may call; an unknown name is more likely a typo than a new function.
const FUNCTIONS = new Set([
  'resourceGroup', 'subscription', 'tenant', 'managementGroup', 'deployment', 'environment', 'uniqueString', 'guid',
  'toLower', 'toUpper', 'replace', 'take', 'skip', 'substring', 'length', 'concat', 'format', 'string', 'int', 'bool',
  'empty', 'contains', 'union', 'first', 'last', 'split', 'join', 'trim', 'startsWith', 'endsWith', 'min', 'max',
  'resourceId', 'subscriptionResourceId', 'tenantResourceId', 'extensionResourceId', 'reference', 'any', 'coalesce',
]);

/** Names an expression uses that nothing declares: chain heads (x.y, x[0]), bare names, and unknown function names. */
export function undeclaredReferences(template: Template): { name: string; line: number }[] {
  const symbols = new Set(template.declarations.filter((d) => d.kind === 'param' || d.kind === 'var' || d.kind === 'resource').map((d) => d.name));
  const missing: { name: string; line: number }[] = [];
  for (const expr of template.expressions) {
    expr.forEach((t, k) => {
      if (t.kind !== 'ident' || KEYWORDS.has(t.value)) return;
      const prev = expr[k - 1];
      const next = expr[k + 1];
      if (prev?.kind === 'punct' && (prev.value === '.' || prev.value === '.?')) return; // a member, not a name
      if (next?.kind === 'punct' && next.value === ':') return; // an object key (or a ternary branch: not checked)
      if (next?.kind === 'punct' && next.value === '(') {
        if (!FUNCTIONS.has(t.value)) missing.push({ name: `${t.value}()`, line: t.line });
        return;
      }
      if (!symbols.has(t.value)) missing.push({ name: t.value, line: t.line });
    });
  }
  return missing;
}
