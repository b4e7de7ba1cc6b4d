/**
 * `google.api.http` path templates (AIP-127): literal segments, `{field}` (one segment),
 * `{field=*}` and `{field=**}` (the rest of the path). Variables bind to request fields, which may
 * be nested (`{parent.id}`).
 */
export type Segment = { literal: string } | { variable: string; rest: boolean };

export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly Segment[];
}

export function parsePathTemplate(source: string): PathTemplate {
  if (!source.startsWith('/')) throw new Error(`path template must start with "/": ${source}`);
  const segments = source
    .slice(1)
    .split('/')
    .map((part): Segment => {
      const variable = /^\{([\w.]+)(?:=(\*\*?))?\}$/.exec(part);
      if (variable?.[1]) return { variable: variable[1], rest: variable[2] === '**' };
      if (/[{}*]/.test(part)) throw new Error(`unsupported path template segment "${part}" in ${source}`);
      return { literal: part };
    });
  return { source, segments };
}

/** Binds a request path (already split on "/", percent-decoded per segment) to a template. */
export function matchPath(template: PathTemplate, parts: readonly string[]): Map<string, string> | undefined {
  const bound = new Map<string, string>();
  const { segments } = template;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if ('literal' in segment) {
      if (parts[i] !== segment.literal) return undefined;
    } else if (segment.rest) {
      if (i >= parts.length) return undefined;
      bound.set(segment.variable, parts.slice(i).join('/'));
      return bound;
    } else {
      const value = parts[i];
      if (value === undefined || value === '') return undefined;
      bound.set(segment.variable, value);
    }
  }
  return parts.length === segments.length ? bound : undefined;
}

/**
 * Orders templates so the most specific wins: at the first differing segment, a literal beats a
 * variable, and a one-segment variable beats a rest variable (`/users/me` before `/users/{id}`).
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const rank = (s: Segment | undefined) => (s === undefined ? 3 : 'literal' in s ? 0 : s.rest ? 2 : 1);
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const diff = rank(a.segments[i]) - rank(b.segments[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}
