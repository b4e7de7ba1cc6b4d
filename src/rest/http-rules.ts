import { type DescMethod, type DescService, getOption, hasOption } from '@bufbuild/protobuf';
import { http } from '../gen/google/api/annotations_pb.js';
import type { HttpRule } from '../gen/google/api/http_pb.js';
import { compareSpecificity, type PathTemplate, parsePathTemplate } from './path-template.ts';

/** One REST route, derived from an RPC's `google.api.http` option. */
export interface RestRoute {
  readonly httpMethod: string;
  readonly template: PathTemplate;
  readonly service: DescService;
  readonly method: DescMethod;
  /** `*` (the whole request), a field name, or '' (no body: the rest comes from the query string). */
  readonly body: string;
}

/**
 * Reads the `google.api.http` rules (and their `additional_bindings`) of every unary RPC of the
 * services. A new annotated RPC gets its REST route with no other change.
 */
export function restRoutesOf(services: readonly DescService[]): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (method.methodKind !== 'unary' || !hasOption(method, http)) continue;
      const rule = getOption(method, http);
      for (const binding of [rule, ...rule.additionalBindings]) {
        routes.push(routeOf(service, method, binding));
      }
    }
  }
  return routes.sort((a, b) => compareSpecificity(a.template, b.template));
}

function routeOf(service: DescService, method: DescMethod, rule: HttpRule): RestRoute {
  const { pattern } = rule;
  let httpMethod: string;
  let path: string;
  switch (pattern.case) {
    case 'get':
    case 'put':
    case 'post':
    case 'delete':
    case 'patch':
      httpMethod = pattern.case.toUpperCase();
      path = pattern.value;
      break;
    case 'custom':
      httpMethod = pattern.value.kind.toUpperCase();
      path = pattern.value.path;
      break;
    default:
      throw new Error(`${method.toString()}: google.api.http rule without a pattern`);
  }
  return { httpMethod, template: parsePathTemplate(path), service, method, body: rule.body };
}
