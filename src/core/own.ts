/**
 * Looking a key that came from outside (a merge field, a capture name, a query parameter) up in a
 * plain object. `record[key]` also finds what every object inherits: `{}['constructor']` is the
 * Object function, which a template once texted to a supporter as "function Object() { [native
 * code] }". Only the object's own properties count.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Names every plain object already has (constructor, __proto__, toString, …), lower-cased the way
 * merge fields are matched. A capture or field name must not be one of them.
 */
export const OBJECT_BUILTIN_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype).map((n) => n.toLowerCase()),
);
