// The worker isolate's own JavaScript heap, read through workerd's inspector (Chrome DevTools Protocol).
// The workerd process's RSS is not the worker's memory: it grows under load even for a one-line worker
// (native buffers the local runtime keeps), so leaks in our code are looked for in the isolate's heap.
import WebSocket from "ws";

export interface IsolateHeap {
  /** Bytes in use after a full garbage collection. */
  usedAfterGc(): Promise<number>;
  close(): void;
}

export async function connectIsolateHeap(inspectorPort: number, titleIncludes = "core:user"): Promise<IsolateHeap> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { title: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.title.includes(titleIncludes));
  if (!target) throw new Error(`no inspector target named like ${titleIncludes}: ${targets.map((t) => t.title).join(", ")}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 0;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
    if (message.id !== undefined) pending.delete(message.id);
  });
  const send = (method: string): Promise<Record<string, unknown>> =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 30_000);
      pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method }));
    });
  return {
    async usedAfterGc() {
      // workerd's inspector does not offer HeapProfiler.collectGarbage, but a heap snapshot starts with
      // a full collection; its chunks are ignored.
      await send("HeapProfiler.takeHeapSnapshot");
      return Number((await send("Runtime.getHeapUsage")).usedSize);
    },
    close: () => ws.close(),
  };
}
