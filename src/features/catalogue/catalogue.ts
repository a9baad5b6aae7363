import { categories } from './definitions/categories.js';
import { types } from './definitions/types.js';
import { unknownCode } from '../../core/suggest.js';
import type { CategoryDef, TypeDef } from './model.js';

/**
 * The outcomes catalogue as lookups. Built from data only, so a bespoke measure later is a
 * new entry, not a new code path.
 */
export class Catalogue {
  readonly categories: CategoryDef[];
  readonly types: TypeDef[];
  private readonly categoryByCode: Map<string, CategoryDef>;
  private readonly typeByCode: Map<string, TypeDef>;

  constructor(cats: CategoryDef[], tys: TypeDef[]) {
    this.categories = cats;
    this.types = tys;
    this.categoryByCode = new Map(cats.map((c) => [c.code, c]));
    this.typeByCode = new Map(tys.map((t) => [t.code, t]));
    for (const t of tys) {
      if (!this.categoryByCode.has(t.category)) throw new Error(`catalogue: type ${t.code} names unknown category ${t.category}`);
      if (t.categories[0] !== t.category) throw new Error(`catalogue: type ${t.code} must list its default category first`);
      for (const c of t.categories) {
        if (!this.categoryByCode.has(c)) throw new Error(`catalogue: type ${t.code} allows unknown category ${c}`);
      }
    }
  }

  category(code: string): CategoryDef | undefined {
    return this.categoryByCode.get(code);
  }

  type(code: string): TypeDef | undefined {
    return this.typeByCode.get(code);
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
}

/** The built-in catalogue. */
export const catalogue = new Catalogue(categories, types);
