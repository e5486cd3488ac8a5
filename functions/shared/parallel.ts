/**
 * Runs reads at once (one round trip of latency) but reports failures in argument order, so a
 * check listed first (does it exist? may the caller see it?) decides the answer.
 */
export async function allInOrder<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/**
 * Reads a source ahead of its consumer, at most `ahead` items (pages) buffered: several sources
 * read at once while they are consumed one after the other, in a fixed order, with memory
 * bounded by the buffers. A source's failure surfaces where the consumer reaches it.
 */
export function readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncIterable<T> {
  const buffered: IteratorResult<T>[] = [];
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  void (async () => {
    try {
      for await (const item of source) {
        buffered.push({ value: item, done: false });
        wake();
        while (buffered.length >= ahead) await new Promise<void>((resolve) => (wakeProducer = resolve));
      }
      buffered.push({ value: undefined, done: true });
    } catch (error) {
      failure = { error };
    }
    wake();
  })();
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<T>> {
        while (buffered.length === 0 && !failure)
          await new Promise<void>((resolve) => (wakeConsumer = resolve));
        const item = buffered.shift();
        wakeProducer?.();
        wakeProducer = undefined;
        if (item) return item;
        throw (failure as { error: unknown }).error;
      },
    }),
  };
}
