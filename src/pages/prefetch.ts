/**
 * Runs an async generator ahead of its consumer, keeping up to `limit` items ready: the next window's first pages
 * arrive while the current one is still being written. What the generator throws reaches the consumer in order.
 */
export function prefetch<T, R>(source: AsyncGenerator<T, R>, limit: number): AsyncGenerator<T, R> {
  const ready: Array<Promise<IteratorResult<T, R>>> = [];
  let ended = false;
  const pull = () => {
    while (!ended && ready.length < limit) {
      const next = source.next();
      next.then(
        (r) => {
          if (r.done === true) ended = true;
        },
        () => {
          ended = true;
        },
      );
      next.catch(() => undefined); // handled by the consumer when it gets there
      ready.push(next);
    }
  };
  pull();
  const self: AsyncGenerator<T, R> = {
    async next() {
      const item = ready.shift() ?? source.next();
      const result = await item;
      pull();
      return result;
    },
    async return(value: R | PromiseLike<R>) {
      ended = true;
      ready.length = 0;
      return source.return(await value);
    },
    async throw(error: unknown) {
      ended = true;
      ready.length = 0;
      return source.throw(error);
    },
    [Symbol.asyncIterator]() {
      return self;
    },
    async [Symbol.asyncDispose]() {
      await self.return(undefined as R);
    },
  };
  return self;
}
