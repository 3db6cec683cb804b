/**
 * The response, with `close` called once its body has been sent or abandoned (at once when it has
 * none): the request's database connection must stay open while a watch streams from it. Each
 * read of the body runs in `within`: the request's context, which a body made as it is read (a
 * GraphQL subscription's events) needs, and which the runtime pulling it does not carry.
 */
export function closeAfter(
  response: Response,
  close: () => Promise<void>,
  within: <T>(read: () => T) => T = (read) => read(),
): Response {
  const body = response.body;
  if (!body) {
    void close();
    return response;
  }
  const reader = body.getReader();
  let closed = false;
  const done = () => {
    if (closed) return;
    closed = true;
    void close().catch(() => {});
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: finished } = await within(() => reader.read());
        if (finished) {
          controller.close();
          done();
        } else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
        done();
      }
    },
    async cancel(reason) {
      await within(() => reader.cancel(reason)).catch(() => {});
      done();
    },
  });
  return new Response(stream, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
