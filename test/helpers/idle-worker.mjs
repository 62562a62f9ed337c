// A node:cluster worker that only keeps its IPC channel open, for tests of the primary's side.
process.on('message', () => {});
setInterval(() => {}, 1 << 30);
