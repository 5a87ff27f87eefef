// The Firebase Auth emulator of npm firebase-tools, without the CLI (no firebase.json, ~7 s to ready).
//   PORT=9099 PROJECT=demo-tradehub node dev/e2e/auth-emulator.cjs
// Ready when GET http://127.0.0.1:PORT/ answers {"authEmulator": {"ready": true}}. SIGTERM stops it.
const { AuthEmulator } = require("firebase-tools/lib/emulator/auth");

const port = Number(process.env.PORT || 9099);
const projectId = process.env.PROJECT || "demo-tradehub";
const emulator = new AuthEmulator({ host: "127.0.0.1", port, projectId, singleProjectMode: "WARNING" });

emulator.start().then(
  () => console.log(`auth emulator ready on 127.0.0.1:${port} for ${projectId}`),
  (error) => { console.error(error); process.exit(1); },
);
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => emulator.stop().finally(() => process.exit(0)));
}
