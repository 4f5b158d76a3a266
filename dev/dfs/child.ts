// The dfs gateway as a child of the stack (see process.ts). Takes its options in the first IPC message, answers
// with its port (or why it could not start) and exits when the channel to the stack closes, as Azurite's child does.
import { startDfsGateway, type DfsGatewayOptions } from './index';

export type GatewayChildReply = { port: number } | { error: string };

process.once('message', (options: DfsGatewayOptions) => {
  startDfsGateway(options).then(
    (gateway) => {
      process.on('disconnect', () => void gateway.stop().finally(() => process.exit(0)));
      process.send?.({ port: gateway.port } satisfies GatewayChildReply);
    },
    (error: unknown) => {
      process.send?.({ error: (error as Error).message } satisfies GatewayChildReply, () => process.exit(1));
    },
  );
});
process.on('disconnect', () => setTimeout(() => process.exit(0), 5000).unref());
