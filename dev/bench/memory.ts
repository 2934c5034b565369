// Resident memory of a process, sampled from /proc while load runs.
import { readFileSync } from "node:fs";

export function residentBytes(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples `pid`'s RSS every `everyMs` until stop() is called; stop() returns the samples in bytes. */
export function sampleMemory(pid: number, everyMs = 1000): { stop(): number[] } {
  const samples: number[] = [];
  const take = () => {
    const rss = residentBytes(pid);
    if (rss !== null) samples.push(rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
