// A selector the client sent cannot be used: the apiserver answers 400 BadRequest with this message (the same
// text as k8s.io/apimachinery's labels and fields packages, e.g. `unable to parse requirement: ...` or
// `field label not supported: foo`). Kept free of the REST layer so controllers can use selectors too.

export class SelectorError extends Error {
  readonly code = 400;
  readonly reason = 'BadRequest';

  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}
