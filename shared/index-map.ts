/**
 * `{ NAME: index }` for a tuple of names, derived instead of written out by hand, so a
 * code table and the tuple that gives its order can never disagree. Each key keeps its
 * literal index type (`indexMap(['A', 'B'] as const).B` is of type 1).
 */
export type IndexMap<T extends readonly string[]> = {
  readonly [
    I in keyof T as I extends `${number}` ? T[I] & string : never
  ]: I extends `${infer N extends number}` ? N : never;
};

export function indexMap<const T extends readonly string[]>(names: T): IndexMap<T> {
  if (new Set(names).size !== names.length) {
    throw new Error(`indexMap: the names repeat: ${names.join(', ')}`);
  }
  return Object.freeze(
    Object.fromEntries(names.map((name, index) => [name, index])),
  ) as IndexMap<T>;
}
