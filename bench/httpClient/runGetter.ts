// Child entry of bench/httpClient.bench.ts for variant (a); core-rest-pipeline is not loaded, so its RSS is its own.
import { getterClient } from './getterClient';
import { fetchEveryPage } from './pages';

fetchEveryPage(getterClient()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
