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
