/**
 * The loaded scenarios, indexed so that selection costs the same with ten scenarios or ten
 * thousand: by name, and for match rules by one of their conditions (field or header = value).
 */
import type { Scenario } from './model.js';

type Key = string;
const formKey = (name: string, value: string): Key => `f\u0000${name}\u0000${value}`;
const headerKey = (name: string, value: string): Key => `h\u0000${name}\u0000${value}`;

export class ScenarioCatalog<S extends Scenario = Scenario> {
  private readonly byName = new Map<string, S>();
  /** One condition of each match rule → the rules (in load order) that have it. */
  private readonly byCondition = new Map<Key, S[]>();
  /** Header names that appear in indexed conditions: the only headers worth looking up. */
  private readonly indexedHeaders = new Set<string>();
  private readonly order = new Map<S, number>();

  constructor(readonly scenarios: readonly S[]) {
    scenarios.forEach((s, i) => {
      this.byName.set(s.name, s);
      this.order.set(s, i);
      const key = this.indexKey(s);
      if (key === undefined) return;
      const bucket = this.byCondition.get(key);
      if (bucket) bucket.push(s);
      else this.byCondition.set(key, [s]);
    });
  }

  private indexKey(s: S): Key | undefined {
    const form = s.match?.form && Object.entries(s.match.form)[0];
    if (form) return formKey(form[0], form[1]);
    const header = s.match?.headers && Object.entries(s.match.headers)[0];
    if (!header) return undefined;
    this.indexedHeaders.add(header[0]);
    return headerKey(header[0], header[1]);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  byNameOf(name: string): S | undefined {
    return this.byName.get(name);
  }

  /** The first scenario (in load order) whose match rule the request satisfies. */
  match(headers: Headers, form: Readonly<Record<string, string>> | undefined): S | undefined {
    if (this.byCondition.size === 0) return undefined;
    let best: S | undefined;
    const consider = (candidates: S[] | undefined) => {
      for (const s of candidates ?? []) {
        if ((best === undefined || this.order.get(s)! < this.order.get(best)!) && satisfies(s, headers, form)) {
          best = s;
          return;
        }
      }
    };
    if (form) for (const name in form) consider(this.byCondition.get(formKey(name, form[name]!)));
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
