/**
 * The loaded scenarios, indexed so that selection costs the same with ten scenarios or ten
 * thousand: by name, and for match rules by the rarest of their conditions (field or header =
 * value). Swappable: replace() builds a new index and switches to it in one step, so a request
 * sees either the old set or the new one, never a mix (live reload).
 */
import type { Scenario } from './model.js';

type Key = string;
const formKey = (name: string, value: string): Key => `f\u0000${name}\u0000${value}`;
const headerKey = (name: string, value: string): Key => `h\u0000${name}\u0000${value}`;

interface Condition {
  key: Key;
  /** A form field name, or a header name. */
  in: 'form' | 'header';
  name: string;
}

function conditionsOf(s: Scenario): Condition[] {
  return [
    ...Object.entries(s.match?.form ?? {}).map(([name, value]) => ({ key: formKey(name, value), in: 'form' as const, name })),
    ...Object.entries(s.match?.headers ?? {}).map(([name, value]) => ({ key: headerKey(name, value), in: 'header' as const, name })),
  ];
}

interface Index<S extends Scenario> {
  scenarios: readonly S[];
  byName: Map<string, S>;
  /** The rarest condition of each match rule → the rules (in load order) that have it. */
  byCondition: Map<Key, S[]>;
  /** Form fields and header names that appear in indexed conditions: the only ones worth looking up. */
  indexedFields: Set<string>;
  indexedHeaders: Set<string>;
  order: Map<S, number>;
}

function buildIndex<S extends Scenario>(scenarios: readonly S[]): Index<S> {
  const index: Index<S> = {
    scenarios, byName: new Map(), byCondition: new Map(), indexedFields: new Set(), indexedHeaders: new Set(), order: new Map(),
  };
  const conditions = scenarios.map(conditionsOf);
  const rulesWith = new Map<Key, number>();
  for (const c of conditions.flat()) rulesWith.set(c.key, (rulesWith.get(c.key) ?? 0) + 1);
  scenarios.forEach((s, i) => {
    index.byName.set(s.name, s);
    index.order.set(s, i);
    // Each rule is indexed by its rarest condition, so that a condition many rules share
    // (grant_type=client_credentials) never makes a bucket that every request walks through.
    const own = conditions[i]!;
    if (own.length === 0) return;
    const rarest = own.reduce((best, c) => (rulesWith.get(c.key)! < rulesWith.get(best.key)! ? c : best));
    (rarest.in === 'form' ? index.indexedFields : index.indexedHeaders).add(rarest.name);
    const bucket = index.byCondition.get(rarest.key);
    if (bucket) bucket.push(s);
    else index.byCondition.set(rarest.key, [s]);
  });
  return index;
}

export class ScenarioCatalog<S extends Scenario = Scenario> {
  private index: Index<S>;

  constructor(scenarios: readonly S[]) {
    this.index = buildIndex(scenarios);
  }

  /** Switches to another set of scenarios. */
  replace(scenarios: readonly S[]): void {
    this.index = buildIndex(scenarios);
  }

  get scenarios(): readonly S[] {
    return this.index.scenarios;
  }

  get names(): string[] {
    return [...this.index.byName.keys()];
  }

  byNameOf(name: string): S | undefined {
    return this.index.byName.get(name);
  }

  /** The first scenario (in load order) whose match rule the request satisfies. */
  match(headers: Headers, form: Readonly<Record<string, string>> | undefined): S | undefined {
    const { byCondition, indexedFields, indexedHeaders, order } = this.index;
    if (byCondition.size === 0) return undefined;
    let best: S | undefined;
    const consider = (candidates: S[] | undefined) => {
      for (const s of candidates ?? []) {
        if ((best === undefined || order.get(s)! < order.get(best)!) && satisfies(s, headers, form)) {
          best = s;
          return;
        }
      }
    };
    if (form) {
      for (const name of indexedFields) {
        const value = form[name];
        if (typeof value === 'string') consider(byCondition.get(formKey(name, value)));
      }
    }
    for (const name of indexedHeaders) {
      const value = headers.get(name);
      if (value !== null) consider(byCondition.get(headerKey(name, value)));
    }
    return best;
  }
}

function satisfies(s: Scenario, headers: Headers, form: Readonly<Record<string, string>> | undefined): boolean {
  for (const [name, value] of Object.entries(s.match?.form ?? {})) {
    if (form?.[name] !== value) return false;
  }
  for (const [name, value] of Object.entries(s.match?.headers ?? {})) {
    if (headers.get(name) !== value) return false;
  }
  return true;
}
