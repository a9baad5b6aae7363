import { categories } from './definitions/categories.js';
import { types } from './definitions/types.js';
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
    }
  }

  category(code: string): CategoryDef | undefined {
    return this.categoryByCode.get(code);
  }

  type(code: string): TypeDef | undefined {
    return this.typeByCode.get(code);
  }

  /** @returns codes of the types whose default category is `category` */
  typesIn(category: string): string[] {
    return this.types.filter((t) => t.category === category).map((t) => t.code);
  }
}

/** The built-in catalogue. */
export const catalogue = new Catalogue(categories, types);
