/** Peak growth of the memory Buffers hold, sampled while something runs. */
export function sampleBufferMemory(): { stop(): number } {
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    },
  };
}
