/**
 * One string a regular expression matches, chosen the same way every time: the first
 * alternative, the fewest repetitions (plus `extra` where a quantifier allows more, to reach a
 * minLength), and in a character class a plain letter or digit when the class has one. Covers
 * what the documents' patterns use (anchors, groups, alternation, classes, escapes, quantifiers);
 * anything else (look-arounds, back-references) throws, so the caller can say so.
 */
import { SchemaError } from './schema.js';

type Node =
  | { kind: 'chars'; pick: string }
  | { kind: 'group'; alternatives: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/**
 * Characters tried first in a class, so that a value reads as a value (not as punctuation); 1
 * before 0, so that a count such as Retry-After's delay-seconds is not a zero.
 */
const PREFERRED = 'a1A0-_ .:';
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

const ESCAPES: Record<string, (c: string) => boolean> = {
  d: (c) => /\d/.test(c),
  w: (c) => /\w/.test(c),
  s: (c) => /\s/.test(c),
  D: (c) => !/\d/.test(c),
  W: (c) => !/\w/.test(c),
  S: (c) => !/\s/.test(c),
};
const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

class Parser {
  private at = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.source.length) this.fail(`unexpected ${this.source[this.at]}`);
    return node;
  }

  private fail(why: string): never {
    throw new SchemaError(`cannot make a value for the pattern ${this.source}: ${why}`);
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }

  private alternation(): Node {
    const alternatives: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.at++;
      alternatives.push(this.sequence());
    }
    return { kind: 'group', alternatives };
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      if (c === '^' || c === '$') {
        this.at++;
        continue;
      }
      nodes.push(this.quantified(this.atom()));
    }
    return nodes;
  }

  private atom(): Node {
    const c = this.source[this.at++]!;
    if (c === '(') {
      if (this.peek() === '?') {
        if (this.source[this.at + 1] !== ':') this.fail('look-arounds and named groups are not supported');
        this.at += 2;
      }
      const group = this.alternation();
      if (this.source[this.at++] !== ')') this.fail('a group is not closed');
      return group;
    }
    if (c === '[') return this.charClass();
    if (c === '.') return { kind: 'chars', pick: 'a' };
    if (c === '\\') return { kind: 'chars', pick: this.escapePick() };
    if ('*+?'.includes(c)) this.fail(`a quantifier ${c} with nothing before it`);
    return { kind: 'chars', pick: c };
  }

  /** After a backslash outside a class: a literal character, or the pick of a class escape. */
  private escapePick(): string {
    const test = this.classEscape();
    if (typeof test === 'string') return test;
    return pickFrom(test) ?? this.fail('an escape that matches no printable character');
  }

  /** A character, or a test for a class escape such as \d. */
  private classEscape(): string | ((c: string) => boolean) {
    const c = this.source[this.at++];
    if (c === undefined) this.fail('a pattern ends with a backslash');
    if (ESCAPES[c]) return ESCAPES[c];
    if (CONTROL[c]) return CONTROL[c];
    if (c === 'x' || c === 'u') {
      const braced = c === 'u' && this.peek() === '{';
      const hex = braced ? /^\{([0-9a-fA-F]+)\}/.exec(this.source.slice(this.at)) : new RegExp(`^[0-9a-fA-F]{${c === 'x' ? 2 : 4}}`).exec(this.source.slice(this.at));
      if (!hex) this.fail(`a malformed \\${c} escape`);
      this.at += hex[0].length;
      return String.fromCodePoint(parseInt(braced ? hex[1]! : hex[0], 16));
    }
    if (/[1-9kbBpP]/.test(c)) this.fail(`\\${c} is not supported`);
    return c;
  }

  private charClass(): Node {
    const negated = this.peek() === '^';
    if (negated) this.at++;
    const tests: ((c: string) => boolean)[] = [];
    while (this.peek() !== ']') {
      if (this.peek() === undefined) this.fail('a character class is not closed');
      const low = this.classMember();
      if (typeof low === 'string' && this.peek() === '-' && this.source[this.at + 1] !== ']') {
        this.at++;
        const high = this.classMember();
        if (typeof high !== 'string') this.fail('a range ends in a class escape');
        tests.push((c) => c >= low && c <= high);
      } else {
        tests.push(typeof low === 'string' ? (c) => c === low : low);
      }
    }
    this.at++; // ]
    const inClass = (c: string) => tests.some((t) => t(c)) !== negated;
    return { kind: 'chars', pick: pickFrom(inClass) ?? this.fail('a character class that matches no printable character') };
  }

  private classMember(): string | ((c: string) => boolean) {
    const c = this.source[this.at++]!;
    return c === '\\' ? this.classEscape() : c;
  }

  private quantified(node: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.at++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!m) return node; // a literal {
      this.at += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return node;
    }
    if (this.peek() === '?') this.at++; // lazy: the same strings
    return { kind: 'repeat', node, min, max };
  }
}

function pickFrom(test: (c: string) => boolean): string | undefined {
  for (const c of PREFERRED + PRINTABLE) if (test(c)) return c;
  return undefined;
}

function render(node: Node, extra: number): string {
  switch (node.kind) {
    case 'chars':
      return node.pick;
    case 'group':
      return node.alternatives[0]!.map((n) => render(n, extra)).join('');
    case 'repeat':
      return render(node.node, extra).repeat(Math.min(node.min + extra, node.max));
  }
}

/** A string `pattern` matches; `extra` more repetitions wherever a quantifier allows them. */
export function stringMatching(pattern: string, extra = 0): string {
  return render(new Parser(pattern).parse(), extra);
}
