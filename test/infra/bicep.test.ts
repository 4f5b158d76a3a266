// Structural checks of infra/main.bicep without the Bicep compiler (none installs from the npm registry alone).
// test/infra/bicep.ts reads the subset of Bicep the template uses and refuses anything else; the checks below
// are this project's deployment policy. The last block proves both fail on broken input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../dev/paths';
import { EXPORT_INTERVALS } from '../../src/config/schedule';
import {
  BicepSyntaxError, declared, evaluate, get, parseBicep, resources, tokenize, undeclaredReferences,
  type Template, type Value,
} from './bicep';

const root = projectRoot(__dirname);
const TEMPLATE = readFileSync(join(root, 'infra', 'main.bicep'), 'utf8');
const PARAMETERS = readFileSync(join(root, 'infra', 'main.parameters.example.json'), 'utf8');

const API_VERSIONS: Record<string, string> = {
  'Microsoft.Web/serverfarms': '2024-11-01',
  'Microsoft.Web/sites': '2024-11-01',
  'Microsoft.Storage/storageAccounts': '2025-01-01',
  'Microsoft.Storage/storageAccounts/blobServices': '2025-01-01',
  'Microsoft.Storage/storageAccounts/blobServices/containers': '2025-01-01',
  'Microsoft.KeyVault/vaults': '2024-11-01',
  'Microsoft.OperationalInsights/workspaces': '2025-02-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
};

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
};

const REQUIRED_SETTINGS = [
  'AUDIT_API_URL', 'AUDIT_API_KEY_SECRET_NAME', 'AUDIT_API_KIND', 'AUDIT_API_AUTH', 'EXPORT_INTERVAL', 'ADLS_ACCOUNT_NAME', 'ADLS_FILE_SYSTEM', 'ADLS_PATH',
  'KEY_VAULT_URL', 'SAS_SECRET_NAME', 'EXPORT_LAG_SECONDS', 'APPLICATIONINSIGHTS_CONNECTION_STRING',
];
// Flex Consumption takes the runtime from functionAppConfig and has no content share; a key-based host connection
// would contradict the identity-only host storage.
const FORBIDDEN_SETTINGS = [
  'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_NODE_DEFAULT_VERSION', 'AzureWebJobsStorage',
];

const OUTPUTS = ['functionAppName', 'defaultHostName', 'adlsAccountName', 'adlsFileSystem', 'keyVaultUri', 'principalId'];

/** The resource a bare-symbol expression (`hostStorage`, `lake.name`) points at. */
function referencedResource(t: Template, v: Value | undefined) {
  if (v?.t !== 'expr') return undefined;
  const symbol = /^([A-Za-z_]\w*)(\.name|\.id)?$/.exec(v.text)?.[1];
  return symbol === undefined ? undefined : declared(t, 'resource', symbol);
}

function appSettings(t: Template): Map<string, Value> {
  const settings = new Map<string, Value>();
  for (const site of resources(t, 'Microsoft.Web/sites')) {
    const list = get(site.value, 'properties.siteConfig.appSettings');
    if (list?.t !== 'array') continue;
    for (const item of list.items) {
      const name = evaluate(t, get(item, 'name'));
      const value = get(item, 'value');
      if (typeof name === 'string' && value) settings.set(name, value);
    }
  }
  return settings;
}

/** Every policy problem of a template; [] when it complies. Throws BicepSyntaxError when it cannot be read. */
function checkTemplate(src: string, parametersJson: string = PARAMETERS): string[] {
  const problems: string[] = [];
  const t = parseBicep(src);
  const want = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  const literal = (v: Value | undefined) => evaluate(t, v);

  // Raw text, comments included: no keys in any form, no SAS minted by the template.
  for (const pattern of [/accountkey/i, /listkeys\s*\(/i, /listAccountSas\s*\(/i, /listServiceSas\s*\(/i, /primaryKey/i]) {
    want(!pattern.test(src), `template mentions ${pattern.source}: no keys in templates`);
  }

  for (const r of resources(t)) {
    const expected = API_VERSIONS[r.resourceType!];
    want(expected === r.apiVersion, `resource ${r.name}: ${r.resourceType}@${r.apiVersion} is not in the expected list`);
    want(!r.existing, `resource ${r.name} is 'existing': the template should own what it configures`);
  }
  want(resources(t, 'Microsoft.KeyVault/vaults/secrets').length === 0, 'the template creates a secret');

  for (const p of t.declarations.filter((d) => d.kind === 'param')) {
    want(p.type !== undefined, `param ${p.name} has no type`);
    want(p.decorators.some((d) => d.name === 'description'), `param ${p.name} has no @description`);
  }
  for (const ref of undeclaredReferences(t)) problems.push(`line ${ref.line}: ${ref.name} is not declared`);

  const plans = resources(t, 'Microsoft.Web/serverfarms');
  want(plans.length === 1, `expected one plan, found ${plans.length}`);
  for (const plan of plans) {
    want(literal(get(plan.value, 'sku.name')) === 'FC1', `plan ${plan.name}: sku.name is not FC1`);
    want(literal(get(plan.value, 'sku.tier')) === 'FlexConsumption', `plan ${plan.name}: sku.tier is not FlexConsumption`);
    want(literal(get(plan.value, 'kind')) === 'functionapp', `plan ${plan.name}: kind is not functionapp`);
    want(literal(get(plan.value, 'properties.reserved')) === true, `plan ${plan.name}: reserved is not true (Linux)`);
  }

  const sites = resources(t, 'Microsoft.Web/sites');
  want(sites.length === 1, `expected one function app, found ${sites.length}`);
  const app = sites[0];
  if (app) {
    want(literal(get(app.value, 'kind')) === 'functionapp,linux', 'app: kind is not functionapp,linux');
    want(literal(get(app.value, 'identity.type')) === 'SystemAssigned', 'app: identity is not SystemAssigned');
    want(literal(get(app.value, 'properties.httpsOnly')) === true, 'app: httpsOnly is not true');
    want(literal(get(app.value, 'properties.siteConfig.minTlsVersion')) === '1.2', 'app: minTlsVersion is not 1.2');
    want(referencedResource(t, get(app.value, 'properties.serverFarmId'))?.resourceType === 'Microsoft.Web/serverfarms', 'app: serverFarmId is not the plan');
    const config = 'properties.functionAppConfig';
    want(literal(get(app.value, `${config}.runtime.name`)) === 'node', 'app: functionAppConfig.runtime.name is not node');
    want(literal(get(app.value, `${config}.runtime.version`)) === '22', 'app: functionAppConfig.runtime.version is not 22');
    want(literal(get(app.value, `${config}.deployment.storage.type`)) === 'blobContainer', 'app: deployment storage is not a blob container');
    want(literal(get(app.value, `${config}.deployment.storage.authentication.type`)) === 'SystemAssignedIdentity', 'app: deployment storage is not reached with the system-assigned identity');
    const scale = get(app.value, `${config}.scaleAndConcurrency`);
    want(typeof literal(get(scale, 'maximumInstanceCount')) === 'number', 'app: maximumInstanceCount is not set');
    want([512, 2048, 4096].includes(literal(get(scale, 'instanceMemoryMB')) as number), 'app: instanceMemoryMB is not 512, 2048 or 4096');
  }

  const settings = appSettings(t);
  for (const name of REQUIRED_SETTINGS) want(settings.has(name), `app setting ${name} is missing`);
  for (const name of FORBIDDEN_SETTINGS) want(!settings.has(name), `app setting ${name} must not be set`);
  want(settings.has('AzureWebJobsStorage__accountName') || settings.has('AzureWebJobsStorage__blobServiceUri'), 'no identity-based AzureWebJobsStorage__accountName / __blobServiceUri');

  const hostStorage = referencedResource(t, settings.get('AzureWebJobsStorage__accountName'));
  want(hostStorage?.resourceType === 'Microsoft.Storage/storageAccounts', 'AzureWebJobsStorage__accountName is not a storage account of this template');
  if (hostStorage) {
    const p = (path: string) => literal(get(hostStorage.value, `properties.${path}`));
    want(p('allowSharedKeyAccess') === false, `host storage ${hostStorage.name}: allowSharedKeyAccess is not false`);
    want(p('allowBlobPublicAccess') === false, `host storage ${hostStorage.name}: allowBlobPublicAccess is not false`);
    want(p('minimumTlsVersion') === 'TLS1_2', `host storage ${hostStorage.name}: minimumTlsVersion is not TLS1_2`);
    want(literal(get(hostStorage.value, 'kind')) === 'StorageV2', `host storage ${hostStorage.name}: kind is not StorageV2`);
  }

  const lake = referencedResource(t, settings.get('ADLS_ACCOUNT_NAME'));
  want(lake?.resourceType === 'Microsoft.Storage/storageAccounts', 'ADLS_ACCOUNT_NAME is not a storage account of this template');
  if (lake) {
    const p = (path: string) => literal(get(lake.value, `properties.${path}`));
    want(lake !== hostStorage, 'ADLS_ACCOUNT_NAME and the host storage are the same account');
    want(p('isHnsEnabled') === true, `ADLS account ${lake.name}: isHnsEnabled is not true`);
    want(p('allowBlobPublicAccess') === false, `ADLS account ${lake.name}: allowBlobPublicAccess is not false`);
    want(p('minimumTlsVersion') === 'TLS1_2', `ADLS account ${lake.name}: minimumTlsVersion is not TLS1_2`);
    // A stored-access-policy SAS is signed with the account key, so turning shared key off would lock the exporter out.
    want(p('allowSharedKeyAccess') !== false, `ADLS account ${lake.name}: allowSharedKeyAccess is false, which refuses the service SAS`);
    want(literal(get(lake.value, 'kind')) === 'StorageV2', `ADLS account ${lake.name}: kind is not StorageV2`);
    const fileSystems = resources(t, 'Microsoft.Storage/storageAccounts/blobServices/containers').filter((c) => {
      const service = referencedResource(t, get(c.value, 'parent'));
      return service && referencedResource(t, get(service.value, 'parent')) === lake;
    });
    want(fileSystems.length === 1, `ADLS account ${lake.name}: expected one file system, found ${fileSystems.length}`);
    const fsName = get(fileSystems[0]?.value, 'name');
    want(fsName?.t === 'expr' && fsName.text === (settings.get('ADLS_FILE_SYSTEM') as { text?: string } | undefined)?.text,
      'the file system resource and ADLS_FILE_SYSTEM do not use the same parameter');
    want(literal(fsName) === 'audit-output', 'the file system name does not default to audit-output');
  }

  const vaults = resources(t, 'Microsoft.KeyVault/vaults');
  want(vaults.length === 1, `expected one vault, found ${vaults.length}`);
  const vault = vaults[0];
  if (vault) {
    want(literal(get(vault.value, 'properties.enableRbacAuthorization')) === true, `vault ${vault.name}: enableRbacAuthorization is not true`);
    want(literal(get(vault.value, 'properties.enableSoftDelete')) !== false, `vault ${vault.name}: soft delete is off`);
    want(get(vault.value, 'properties.accessPolicies') === undefined, `vault ${vault.name}: has access policies (RBAC mode only)`);
    const url = settings.get('KEY_VAULT_URL');
    want((url?.t === 'expr' && url.text.startsWith(`${vault.name}.`)) || (url?.t === 'string' && url.value.includes(`\${${vault.name}.`)),
      'KEY_VAULT_URL does not come from the vault');
  }

  const roleAssignments = resources(t, 'Microsoft.Authorization/roleAssignments').map((r) => ({
    name: r.name,
    scope: referencedResource(t, get(r.value, 'scope')),
    role: /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(
      ((): string => {
        const v = get(r.value, 'properties.roleDefinitionId');
        if (v?.t !== 'expr') return '';
        // subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.x) → resolve roleIds.x
        const arg = /,\s*([A-Za-z_][\w.]*)\s*\)$/.exec(v.text)?.[1];
        const resolved = arg ? evaluate(t, { t: 'expr', text: arg, line: v.line }) : undefined;
        return typeof resolved === 'string' ? resolved : v.text;
      })(),
    )?.[1],
    principal: (get(r.value, 'properties.principalId') as { text?: string } | undefined)?.text,
    principalType: literal(get(r.value, 'properties.principalType')),
  }));
  const granted = (role: string, scope: unknown) => roleAssignments.some((a) => a.role === role && a.scope === scope && a.principal === `${app?.name}.identity.principalId`);
  want(granted(ROLE.keyVaultSecretsUser, vault), 'no Key Vault Secrets User for the app on the vault');
  want(granted(ROLE.storageBlobDataOwner, hostStorage), 'no Storage Blob Data Owner for the app on the host storage');
  want(granted(ROLE.storageQueueDataContributor, hostStorage), 'no Storage Queue Data Contributor for the app on the host storage');
  want(granted(ROLE.storageTableDataContributor, hostStorage), 'no Storage Table Data Contributor for the app on the host storage');
  for (const a of roleAssignments) {
    want(a.role !== undefined, `role assignment ${a.name}: no role definition GUID`);
    want(a.scope !== lake || lake === undefined, `role assignment ${a.name}: the app gets a role on the ADLS account (it writes with the SAS only)`);
    want(a.principalType === 'ServicePrincipal', `role assignment ${a.name}: principalType is not ServicePrincipal`);
  }

  const interval = declared(t, 'param', 'exportInterval');
  const allowed = interval?.decorators.find((d) => d.name === 'allowed')?.args[0];
  const allowedValues = allowed?.t === 'array' ? allowed.items.map((v) => literal(v)) : [];
  want(JSON.stringify([...allowedValues].sort()) === JSON.stringify([...EXPORT_INTERVALS].sort()), `exportInterval @allowed ${JSON.stringify(allowedValues)} differs from the exporter's ${JSON.stringify(EXPORT_INTERVALS)}`);
  want(literal(interval?.value) === 'EVERY_12_HOURS', 'exportInterval does not default to EVERY_12_HOURS');

  for (const name of OUTPUTS) want(declared(t, 'output', name) !== undefined, `output ${name} is missing`);

  problems.push(...checkParameters(t, parametersJson));
  return problems;
}

/** The example parameters file: valid JSON of the deploymentParameters schema, naming only declared params, with fitting values. */
function checkParameters(t: Template, json: string): string[] {
  const problems: string[] = [];
  const file = JSON.parse(json) as { $schema?: string; contentVersion?: string; parameters?: Record<string, { value?: unknown }> };
  if (!file.$schema?.endsWith('/deploymentParameters.json#')) problems.push('parameters: $schema is not deploymentParameters.json#');
  if (file.contentVersion !== '1.0.0.0') problems.push('parameters: contentVersion is not 1.0.0.0');
  const given = file.parameters ?? {};
  for (const [name, entry] of Object.entries(given)) {
    const param = declared(t, 'param', name);
    if (!param) { problems.push(`parameters: ${name} is not a param of the template`); continue; }
    const value = entry?.value;
    const jsType = { string: 'string', int: 'number', bool: 'boolean', object: 'object', array: 'object' }[param.type ?? ''];
    if (typeof value !== jsType) problems.push(`parameters: ${name} should be a ${param.type}, is ${JSON.stringify(value)}`);
    const allowed = param.decorators.find((d) => d.name === 'allowed')?.args[0];
    if (allowed?.t === 'array' && !allowed.items.some((v) => evaluate(t, v) === value)) problems.push(`parameters: ${name} = ${JSON.stringify(value)} is not an allowed value`);
  }
  for (const param of t.declarations.filter((d) => d.kind === 'param' && d.value === undefined)) {
    if (!(param.name in given)) problems.push(`parameters: required param ${param.name} has no value`);
  }
  return problems;
}

describe('infra/main.bicep', () => {
  it('parses, and complies with the deployment policy', () => {
    expect(checkTemplate(TEMPLATE)).toEqual([]);
  });

  it('declares the resources the exporter needs, at the expected API versions', () => {
    const t = parseBicep(TEMPLATE);
    const count = (type: string) => resources(t, type).length;
    expect(count('Microsoft.Storage/storageAccounts')).toBe(2); // host + ADLS
    expect(count('Microsoft.Storage/storageAccounts/blobServices/containers')).toBe(3); // deployment, state, file system
    expect(count('Microsoft.OperationalInsights/workspaces')).toBe(1);
    expect(count('Microsoft.Insights/components')).toBe(1);
    expect(count('Microsoft.Authorization/roleAssignments')).toBeGreaterThanOrEqual(4);
    expect(resources(t).map((r) => `${r.resourceType}@${r.apiVersion}`).every((s) => Object.entries(API_VERSIONS).some(([k, v]) => s === `${k}@${v}`))).toBe(true);
  });

  it('keeps the exporter state container where the code looks for it', () => {
    const t = parseBicep(TEMPLATE);
    expect(evaluate(t, declared(t, 'var', 'stateContainerName')?.value)).toBe('audit-exporter');
  });

  it('gives every setting the exporter reads a value the exporter accepts by default', () => {
    const t = parseBicep(TEMPLATE);
    const settings = appSettings(t);
    const value = (name: string) => evaluate(t, settings.get(name));
    expect(value('EXPORT_INTERVAL')).toBe('EVERY_12_HOURS');
    expect(value('ADLS_PATH')).toBe('immuta-audit');
    expect(value('SAS_SECRET_NAME')).toBe('audit-export-sas');
    expect(value('AUDIT_API_KEY_SECRET_NAME')).toBe('audit-api-key');
    expect(value('AzureWebJobsStorage__credential')).toBe('managedidentity');
    // The benchmark reads this setting to run the exporter as deployed.
    expect(value('languageWorkers__node__arguments')).toBe('--max-semi-space-size=1');
    expect(settings.get('EXPORT_LAG_SECONDS')).toMatchObject({ t: 'expr', text: 'string(exportLagSeconds)' });
    expect(evaluate(t, declared(t, 'param', 'exportLagSeconds')?.value)).toBe(300);
  });
});

describe('the checker fails on broken templates', () => {
  const mutate = (from: string | RegExp, to: string) => {
    const broken = TEMPLATE.replace(from, to);
    if (broken === TEMPLATE) throw new Error(`mutation did not apply: ${from}`);
    return broken;
  };

  it.each([
    ['a missing closing brace', '\n}\n\n// ---------- ADLS', '\n\n// ---------- ADLS', /never closed|closes the/],
    ['a bracket closed by the wrong kind', "sku: { name: 'FC1', tier: 'FlexConsumption' }", "sku: { name: 'FC1', tier: 'FlexConsumption' ]", /\] closes the \{/],
    ['an unterminated string', "kind: 'functionapp,linux'", "kind: 'functionapp,linux", /unterminated string/],
    ['an unterminated interpolation', "'func-${baseName}-${suffix}'", "'func-${baseName-${suffix}'", /unterminated|line break|unexpected/],
    ['a stray character', 'param adlsPath string', 'param adlsPath string;', /unexpected character/],
    ['a module', '// ---------- Monitoring ----------', "module m './m.bicep' = {}", /not supported/],
    ['a nested child resource', "  name: 'default'\n}", "  name: 'default'\n  resource x 'containers' = {}\n}", /nested resource/],
  ])('rejects %s', (_what, from, to, message) => {
    expect(() => checkTemplate(mutate(from, to))).toThrow(BicepSyntaxError);
    expect(() => checkTemplate(mutate(from, to))).toThrow(message);
  });

  it.each([
    ['a param without a type', 'param adlsPath string =', 'param adlsPath =', 'param adlsPath has no type'],
    ['an undeclared symbol', 'value: lake.name }', 'value: lakee.name }', 'lakee is not declared'],
    ['an undeclared bare name', 'maximumInstanceCount: maximumInstanceCount', 'maximumInstanceCount: maxInstances', 'maxInstances is not declared'],
    ['a misspelt function', 'uniqueString(resourceGroup().id', 'uniqueStrng(resourceGroup().id', 'uniqueStrng() is not declared'],
    ['an unexpected API version', 'Microsoft.KeyVault/vaults@2024-11-01', 'Microsoft.KeyVault/vaults@2023-07-01', 'Microsoft.KeyVault/vaults@2023-07-01 is not in the expected list'],
    ['a user-assigned identity', "identity: { type: 'SystemAssigned' }", "identity: { type: 'UserAssigned' }", 'app: identity is not SystemAssigned'],
    ['a non-Flex plan', "name: 'FC1'", "name: 'Y1'", 'sku.name is not FC1'],
    ['another runtime', "runtime: { name: 'node'", "runtime: { name: 'python'", 'runtime.name is not node'],
    ['Node 20 (out of support since April 2026) by default', "param nodeVersion string = '22'", "param nodeVersion string = '20'", 'runtime.version is not 22'],
    ['shared key on the host storage', 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true', 'allowSharedKeyAccess is not false'],
    ['a lake without hierarchical namespace', 'isHnsEnabled: true', 'isHnsEnabled: false', 'isHnsEnabled is not true'],
    ['a vault with access policies', 'enableRbacAuthorization: true', 'enableRbacAuthorization: false', 'enableRbacAuthorization is not true'],
    ['no Key Vault Secrets User', /keyVaultSecretsUser: '4633458b[^']*'/, "keyVaultSecretsUser: '00000000-0000-0000-0000-000000000000'", 'no Key Vault Secrets User'],
    ['the Blob Data Owner role on the wrong account', /(resource hostBlobOwner[^]*?scope: )hostStorage/, '$1lake', 'no Storage Blob Data Owner'],
    ['a missing app setting', "        { name: 'SAS_SECRET_NAME', value: sasSecretName }\n", '', 'app setting SAS_SECRET_NAME is missing'],
    ['FUNCTIONS_WORKER_RUNTIME on Flex', "{ name: 'ADLS_PATH', value: adlsPath }", "{ name: 'ADLS_PATH', value: adlsPath }\n        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'node' }", 'FUNCTIONS_WORKER_RUNTIME must not be set'],
    ['a key in a comment', '// ---------- Monitoring', '// use listKeys( here\n// ---------- Monitoring', 'no keys in templates'],
    ['an interval the exporter does not know', "'EVERY_24_HOURS']", "'EVERY_24_HOURS', 'EVERY_48_HOURS']", 'differs from the exporter'],
    ['a missing output', /output principalId[^\n]*\n/, '', 'output principalId is missing'],
  ])('reports %s', (_what, from, to, problem) => {
    expect(checkTemplate(mutate(from, to)).join('\n')).toContain(problem);
  });

  it('reports parameter files that do not match the template', () => {
    const params = JSON.parse(PARAMETERS) as { parameters: Record<string, unknown> };
    const stray = JSON.stringify({ ...params, parameters: { ...params.parameters, fileSystem: { value: 'x' } } });
    expect(checkTemplate(TEMPLATE, stray)).toContain('parameters: fileSystem is not a param of the template');
    const { auditApiUrl: _dropped, ...rest } = params.parameters;
    void _dropped;
    expect(checkTemplate(TEMPLATE, JSON.stringify({ ...params, parameters: rest }))).toContain('parameters: required param auditApiUrl has no value');
    const wrong = JSON.stringify({ ...params, parameters: { ...params.parameters, exportInterval: { value: 'HOURLY' }, exportLagSeconds: { value: '300' } } });
    expect(checkTemplate(TEMPLATE, wrong)).toEqual(expect.arrayContaining([
      'parameters: exportInterval = "HOURLY" is not an allowed value',
      'parameters: exportLagSeconds should be a int, is "300"',
    ]));
  });

  it('tokenizes small snippets honestly', () => {
    expect(() => tokenize("var a = { b: [1, 2) }")).toThrow(/\) closes the \[/);
    expect(() => tokenize('var a = {')).toThrow(/never closed/);
    expect(() => tokenize('var a = }')).toThrow(/closes nothing/);
    expect(() => tokenize('/* open')).toThrow(/unterminated/);
    expect(() => tokenize('var a = "double"')).toThrow(/unexpected character/);
    // Brackets and comment markers inside strings and comments do not count.
    expect(() => tokenize("var a = '{[(' // ]}\n/* } */ var b = '${a}}'")).not.toThrow();
    const t = parseBicep("param p string = 'x'\nvar v = '${p}-${q.name}'\nvar w = nope");
    expect(undeclaredReferences(t).map((r) => r.name)).toEqual(['q', 'nope']);
  });
});
