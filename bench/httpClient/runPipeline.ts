// Child entry of bench/httpClient.bench.ts for variants (b) `--body stream` and (c) `--body text`, through the
// pipeline the audit source would use, or with `--bare` through one with no policy but decompression.
import { auditPipeline, barePipeline, pipelineClient } from './pipelineClients';
import { fetchEveryPage } from './pages';

const body = process.argv[process.argv.indexOf('--body') + 1] === 'text' ? 'text' : 'stream';
const bare = process.argv.includes('--bare');
fetchEveryPage(pipelineClient(`${bare ? 'bare ' : ''}pipeline ${body}`, bare ? barePipeline() : auditPipeline(), { body })).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
