declare const brandTag: unique symbol;

/**
 * A nominal type: `Brand<number, 'Price'>` is a number the compiler will not mix up with
 * a `Brand<number, 'Qty'>` or a plain number. Values are made only by the named
 * constructors of each module, so every unit conversion is visible in the code.
 */
export type Brand<T, Name extends string> = T & { readonly [brandTag]: Name };
