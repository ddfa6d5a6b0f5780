/**
 * SIGINT/SIGTERM become an aborted AbortSignal: commands that touch a cluster stop what they are doing, clean
 * up everything they created and end with exit 130. A second signal exits at once (the user insists).
 */
export interface SignalHandling {
  signal: AbortSignal;
  dispose(): void;
}

interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): never;
  stderr: { write(chunk: string): boolean };
}

export function installSignalHandlers(source: SignalSource): SignalHandling {
  const controller = new AbortController();
  const handlers = new Map<'SIGINT' | 'SIGTERM', () => void>();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    const handler = (): void => {
      if (controller.signal.aborted) {
        source.stderr.write(`\n${name} again: exiting without finishing cleanup; run 'netpol-e2e cleanup' to remove leftovers\n`);
        source.exit(130);
      }
      source.stderr.write(`\n${name}: stopping and cleaning up what this run created (press Ctrl-C again to exit at once)\n`);
      controller.abort(name);
    };
    handlers.set(name, handler);
    source.on(name, handler);
  }
  return {
    signal: controller.signal,
    dispose(): void {
      for (const [name, handler] of handlers) source.off(name, handler);
    },
  };
}
