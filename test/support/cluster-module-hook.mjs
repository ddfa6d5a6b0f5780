// Loaded with `node --import` by the start-up test: reports every module of the cluster boundary
// (@kubernetes/client-node, testcontainers) the process resolves, as `NETPOL_E2E_LOADED <url>` lines on stderr.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\\/node_modules\\/(@kubernetes\\/client-node|testcontainers)\\//.test(result.url) && !/\\/node_modules\\/.*\\/node_modules\\//.test(context.parentURL ?? '')) {
    process._rawDebug('NETPOL_E2E_LOADED ' + result.url);
  }
  return result;
}`)}`,
);
