import { categories } from './definitions/categories.js';
import { types } from './definitions/types.js';
import { unknownCode } from '../../core/suggest.js';
import type { CategoryDef, TypeDef } from './model.js';

/** Versions of one bespoke measure, oldest first; the last is the one new records use. */
type Versions = TypeDef[];

/**
 * The outcomes catalogue as lookups. Built from data only: a bespoke measure is a new entry, not
 * a new code path (docs/outcomes.md "Bespoke measures"). Three layers, looked up in this order: the
 * built-in types; organisations' published measures (every version, refreshed from storage by
 * src/features/catalogue/bespoke.ts); and, in a view made for one person, their own measures.
 */
export class Catalogue {
  readonly categories: CategoryDef[];
  private readonly builtIn: TypeDef[];
  private readonly categoryByCode: Map<string, CategoryDef>;
  private readonly typeByCode: Map<string, TypeDef>;
  private bespoke: Map<string, Versions>;
  private readonly personal: Map<string, Versions>;

  constructor(cats: CategoryDef[], tys: TypeDef[], bespoke = new Map<string, Versions>(), personal = new Map<string, Versions>()) {
    this.categories = cats;
    this.builtIn = tys;
    this.categoryByCode = new Map(cats.map((c) => [c.code, c]));
    this.typeByCode = new Map(tys.map((t) => [t.code, t]));
    this.bespoke = bespoke;
    this.personal = personal;
    for (const t of tys) {
      if (!this.categoryByCode.has(t.category)) throw new Error(`catalogue: type ${t.code} names unknown category ${t.category}`);
      if (t.categories[0] !== t.category) throw new Error(`catalogue: type ${t.code} must list its default category first`);
      for (const c of t.categories) {
        if (!this.categoryByCode.has(c)) throw new Error(`catalogue: type ${t.code} allows unknown category ${c}`);
      }
    }
  }

  /** Every type: built-in, then the latest version of each bespoke measure in view. */
  get types(): TypeDef[] {
    const latest = (m: Map<string, Versions>) => [...m.values()].map((v) => v[v.length - 1]!);
    return [...this.builtIn, ...latest(this.bespoke), ...latest(this.personal)];
  }

  category(code: string): CategoryDef | undefined {
    return this.categoryByCode.get(code);
  }

  /**
   * @param version a bespoke measure's version (records carry `typeVersion`); the latest when absent
   */
  type(code: string, version?: number): TypeDef | undefined {
    const fixed = this.typeByCode.get(code);
    if (fixed) return fixed;
    const versions = this.personal.get(code) ?? this.bespoke.get(code);
    if (!versions) return undefined;
    return version === undefined ? versions[versions.length - 1] : versions.find((v) => v.version === version);
  }

  /** Whether a code belongs to a built-in type (bespoke codes may not take one). */
  isBuiltIn(code: string): boolean {
    return this.typeByCode.has(code);
  }

  /** @returns the detail of a 400 for a type code that does not exist, with the nearest codes */
  unknownType(code: string): string {
    return unknownCode('type', code, this.types.map((t) => t.code), '/v1/catalogue/types');
  }

  /** @returns the detail of a 400 for a category code that does not exist, with the nearest codes */
  unknownCategory(code: string): string {
    return unknownCode('category', code, this.categories.map((c) => c.code), '/v1/catalogue/categories');
  }

  /** @returns codes of the types whose default category is `category` */
  typesIn(category: string): string[] {
    return this.types.filter((t) => t.category === category).map((t) => t.code);
  }

  /** Replaces the organisations' published measures (every version of each). */
  setBespoke(defs: TypeDef[]): void {
    const next = new Map<string, Versions>();
    for (const d of defs) next.set(d.code, [...(next.get(d.code) ?? []), d].sort((a, b) => (a.version ?? 0) - (b.version ?? 0)));
    this.bespoke = next;
  }

  /** A view for one person: this catalogue with their own published measures. */
  withPersonal(defs: TypeDef[]): Catalogue {
    if (defs.length === 0) return this;
    const mine = new Map<string, Versions>();
    for (const d of defs) mine.set(d.code, [...(mine.get(d.code) ?? []), d].sort((a, b) => (a.version ?? 0) - (b.version ?? 0)));
    return new Catalogue(this.categories, this.builtIn, this.bespoke, mine);
  }
}

/** A fresh catalogue of the built-in types: each running app has its own bespoke layer. */
export function builtInCatalogue(): Catalogue {
  return new Catalogue(categories, types);
}

/** The built-in catalogue, for pure modules and their tests. */
export const catalogue = builtInCatalogue();
