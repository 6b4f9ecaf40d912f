// `run.config`: the configuration as an object whose writes are recorded, like Python's
// `run.config.lr = 0.1`. Reading gives copies (changing a nested object you got back is not
// recorded: set the top-level key again); setting or deleting a key appends a params record.

export interface ConfigTarget {
  /** The current values (the run's own object: read only here). */
  values(): Record<string, unknown>;
  /** Records `{key: value}` as `logParams` does. */
  set(key: string, value: unknown): void;
  /** Records the configuration without `key` (a reset params record). */
  remove(key: string): void;
  copy<T>(value: T): T;
}

/** A live view of a run's configuration: `config.x = v` logs `{x: v}`, `delete config.x` drops it. */
export function configProxy(target: ConfigTarget): Record<string, unknown> {
  const own = (key: string | symbol): key is string => typeof key === 'string' && Object.prototype.hasOwnProperty.call(target.values(), key);
  return new Proxy<Record<string, unknown>>({}, {
    get: (t, key, receiver) => (own(key) ? target.copy(target.values()[key]) : Reflect.get(t, key, receiver)),
    set: (_t, key, value) => {
      if (typeof key !== 'string') return false;
      target.set(key, value);
      return true;
    },
    deleteProperty: (_t, key) => {
      if (own(key)) target.remove(key);
      return true;
    },
    has: (_t, key) => own(key),
    ownKeys: () => Object.keys(target.values()),
    getOwnPropertyDescriptor: (_t, key) => {
      if (!own(key)) return undefined;
      return { value: target.copy(target.values()[key]), writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (_t, key, desc) => {
      if (typeof key !== 'string' || !('value' in desc)) return false;
      target.set(key, desc.value);
      return true;
    },
  });
}
