/**
 * The loaded scenarios, indexed so that selection costs the same with ten scenarios or ten
 * thousand: by name, and for match rules by the rarest of their conditions (field or header = value).
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

export class ScenarioCatalog {
  private readonly byName = new Map<string, Scenario>();
  /** One condition of each match rule → the rules (in load order) that have it. */
  private readonly byCondition = new Map<Key, Scenario[]>();
  /** Form fields and header names that appear in indexed conditions: the only ones worth looking up. */
  private readonly indexedFields = new Set<string>();
  private readonly indexedHeaders = new Set<string>();
  private readonly order = new Map<Scenario, number>();

  constructor(readonly scenarios: readonly Scenario[]) {
    const conditions = scenarios.map(conditionsOf);
    const rulesWith = new Map<Key, number>();
    for (const c of conditions.flat()) rulesWith.set(c.key, (rulesWith.get(c.key) ?? 0) + 1);

    scenarios.forEach((s, i) => {
      this.byName.set(s.name, s);
      this.order.set(s, i);
      // Each rule is indexed by its rarest condition, so that a condition many rules share
      // (grant_type=client_credentials) never makes a bucket that every request walks through.
      const own = conditions[i]!;
      if (own.length === 0) return;
      const rarest = own.reduce((best, c) => (rulesWith.get(c.key)! < rulesWith.get(best.key)! ? c : best));
      (rarest.in === 'form' ? this.indexedFields : this.indexedHeaders).add(rarest.name);
      const bucket = this.byCondition.get(rarest.key);
      if (bucket) bucket.push(s);
      else this.byCondition.set(rarest.key, [s]);
    });
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  byNameOf(name: string): Scenario | undefined {
    return this.byName.get(name);
  }

  /** The first scenario (in load order) whose match rule the request satisfies. */
  match(headers: Headers, form: Readonly<Record<string, string>> | undefined): Scenario | undefined {
    if (this.byCondition.size === 0) return undefined;
    let best: Scenario | undefined;
    const consider = (candidates: Scenario[] | undefined) => {
      for (const s of candidates ?? []) {
        if ((best === undefined || this.order.get(s)! < this.order.get(best)!) && satisfies(s, headers, form)) {
          best = s;
          return;
        }
      }
    };
    if (form) {
      for (const name of this.indexedFields) {
        const value = form[name];
        if (typeof value === 'string') consider(this.byCondition.get(formKey(name, value)));
      }
    }
    for (const name of this.indexedHeaders) {
      const value = headers.get(name);
      if (value !== null) consider(this.byCondition.get(headerKey(name, value)));
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
