/** The `extensions.code` of what `fn` throws, or 'no error' — for unit tests of domain rules. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'no error';
}
