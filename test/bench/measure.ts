/** The benchmark scripts' shared measuring: bounded call counts, latency percentiles, failures. */
export const CALLS_PER_SCENARIO = Number(process.env.BENCH_CALLS ?? 200);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs a scenario CALLS_PER_SCENARIO times, CONCURRENCY at a time, and prints latency percentiles. */
export async function measure(name: string, call: (index: number) => Promise<Response>): Promise<void> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS_PER_SCENARIO) {
        const index = next++;
        const before = performance.now();
        const response = await call(index);
        await response.arrayBuffer();
        latencies.push(performance.now() - before);
        if (!response.ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(
    `${name.padEnd(28)} ${String(sorted.length).padStart(4)} calls  ${(sorted.length / seconds).toFixed(0).padStart(4)}/s  ` +
      `p50 ${ms(percentile(sorted, 50))}  p95 ${ms(percentile(sorted, 95))}  p99 ${ms(percentile(sorted, 99))}  ` +
      `max ${ms(sorted.at(-1) ?? 0)}  failures ${failures}`,
  );
}
