/** The message `f` throws, or 'no error' when it returns: for asserting exact error texts. */
export function errorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
