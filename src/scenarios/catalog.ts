/**
 * The loaded scenarios, indexed so that selection costs the same with ten scenarios or ten
 * thousand: by name, and for match rules by one of their conditions (field or header = value).
 * Swappable: replace() builds a new index and switches to it in one step, so a request sees
 * either the old set or the new one, never a mix (live reload).
 */
import type { Scenario } from './model.js';

type Key = string;
const formKey = (name: string, value: string): Key => `f\u0000${name}\u0000${value}`;
const headerKey = (name: string, value: string): Key => `h\u0000${name}\u0000${value}`;

interface Index<S extends Scenario> {
  scenarios: readonly S[];
  byName: Map<string, S>;
  /** One condition of each match rule → the rules (in load order) that have it. */
  byCondition: Map<Key, S[]>;
  /** Header names that appear in indexed conditions: the only headers worth looking up. */
  indexedHeaders: Set<string>;
  order: Map<S, number>;
}

function buildIndex<S extends Scenario>(scenarios: readonly S[]): Index<S> {
  const index: Index<S> = { scenarios, byName: new Map(), byCondition: new Map(), indexedHeaders: new Set(), order: new Map() };
  scenarios.forEach((s, i) => {
    index.byName.set(s.name, s);
    index.order.set(s, i);
    const key = indexKey(index, s);
    if (key === undefined) return;
    const bucket = index.byCondition.get(key);
    if (bucket) bucket.push(s);
    else index.byCondition.set(key, [s]);
  });
  return index;
}

function indexKey<S extends Scenario>(index: Index<S>, s: S): Key | undefined {
  const form = s.match?.form && Object.entries(s.match.form)[0];
  if (form) return formKey(form[0], form[1]);
  const header = s.match?.headers && Object.entries(s.match.headers)[0];
  if (!header) return undefined;
  index.indexedHeaders.add(header[0]);
  return headerKey(header[0], header[1]);
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
    const { byCondition, indexedHeaders, order } = this.index;
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
    if (form) for (const name in form) consider(byCondition.get(formKey(name, form[name]!)));
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
