/**
 * Polls until probe returns a value (anything but undefined, null or false), within a named limit.
 * On timeout the error names what was stuck and the last thing seen, never a bare "timeout".
 */
export async function waitFor<T>(
  description: string,
  limitMs: number,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let lastSeen: unknown = undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastSeen = value;
    } catch (error) {
      lastSeen = error instanceof Error ? `${error.name}: ${error.message}` : error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`waited ${limitMs} ms for ${description}; last seen: ${JSON.stringify(lastSeen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
