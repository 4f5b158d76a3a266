// Runs Azurite's Blob CLI inside a child that dies with its parent: when the IPC channel to the
// stack closes (normal stop, crash or SIGKILL of the stack), Azurite is shut down and the process exits.
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGTERM'); // Azurite's own handler closes the server and flushes disk state
  setTimeout(() => process.exit(0), 5000).unref();
});
process.argv = [process.argv[0]!, 'azurite-blob', ...process.argv.slice(2)];
require('azurite/dist/src/blob/main.js');
