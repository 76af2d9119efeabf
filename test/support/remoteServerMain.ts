// Child-process entry of the loopback server (remoteServer.ts): started by spawnLoopbackServer
// with its options as JSON in argv[2]; reports {port} over IPC, exits when told or when the
// parent goes away, so no test leaves it running.
import { startLoopbackServer, type LoopbackOptions } from "./remoteServer";

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? "{}") as LoopbackOptions;
  const server = await startLoopbackServer(opts);
  const stop = async () => {
    await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on("message", (m: { type?: string }) => {
    if (m?.type === "close") void stop();
  });
  process.on("disconnect", () => void stop());
  process.send?.({ type: "listening", port: server.port });
}

main().catch((e: Error) => {
  process.send?.({ type: "error", message: e.stack ?? e.message });
  process.exit(1);
});
