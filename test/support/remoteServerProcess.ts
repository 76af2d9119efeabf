// Starts the loopback server (remoteServer.ts) in its own process, as a real server would run:
// the client under test and the server do not share an event loop, so timings and socket
// faults are those of two processes. Stopped by close() (or when this process exits).
import { fork } from "node:child_process";
import { join } from "node:path";
import * as http from "node:http";
import type { Fault, LoopbackOptions, ServerStats } from "./remoteServer";

export interface LoopbackProcess {
  url: string;
  port: number;
  setFaults(faults: Fault[]): Promise<void>;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

function control(port: number, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: "127.0.0.1", port, path, method, headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`control request ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export async function spawnLoopbackServer(opts: LoopbackOptions): Promise<LoopbackProcess> {
  const child = fork(join(__dirname, "remoteServerMain.js"), [JSON.stringify(opts)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the loopback server did not start within 60 s"));
    }, 60_000);
    child.once("message", (m: { type: string; port?: number; message?: string }) => {
      clearTimeout(timer);
      if (m.type === "listening" && m.port) resolve(m.port);
      else reject(new Error(`the loopback server failed to start: ${m.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the loopback server exited during start-up (code ${code})`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setFaults: async (faults) => void (await control(port, "POST", "/_control/faults", { faults })),
    stats: async () => (await control(port, "GET", "/_control/stats")) as ServerStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: "close" });
      }),
  };
}
