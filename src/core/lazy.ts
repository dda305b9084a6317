import { createRequire } from 'node:module';

/**
 * Loads a module on first use instead of at boot: large libraries (faker, libphonenumber,
 * handlebars, XML parsers) would otherwise cost hundreds of milliseconds of startup for
 * features a run may never touch. `from` is the caller's `import.meta.url`.
 */
export function lazyModule<T>(specifier: string, from: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= createRequire(from)(specifier) as T);
}

/** A value built on first use. */
export function lazy<T>(build: () => T): () => T {
  let v: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      v = build();
      built = true;
    }
    return v as T;
  };
}
