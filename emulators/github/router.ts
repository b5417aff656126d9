// Matches "/repos/{owner}/{repo}/…" route templates against request paths.
import type { RouteSpec } from './api-kit.ts';

interface CompiledRoute {
  spec: RouteSpec;
  regex: RegExp;
  names: string[];
}

/** A route that matched, with its decoded path parameters. */
export interface RouteMatch {
  spec: RouteSpec;
  params: Record<string, string>;
}

/** The route table, compiled once. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(specs: readonly RouteSpec[]) {
    this.routes = specs.map((spec) => {
      const names: string[] = [];
      const source = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { spec, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The matching route, or undefined; a path known under another method is still undefined (GitHub: 404). */
  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.spec.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      let bad = false;
      route.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(found[i + 1] ?? '');
        } catch {
          bad = true;
        }
      });
      if (!bad) return { spec: route.spec, params };
    }
    return undefined;
  }
}
