// The one-line worker a fresh isolate of ours is compared with (dev/bench/cold-start.ts).
export default { fetch: () => new Response("ok") } satisfies ExportedHandler;
