// The one exception type the engine throws on purpose: input that cannot be used at
// all (not a capture, not a format we know). Data problems inside a usable input are
// diagnostics, never exceptions.
export class InputError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
