import { inspect } from 'node:util';

const HIDDEN = '***';

/**
 * A value that must not reach a log or an error message: JSON.stringify, util.inspect and template
 * strings show `***`. Only the code that builds a client calls reveal().
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return HIDDEN;
  }

  toString(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
