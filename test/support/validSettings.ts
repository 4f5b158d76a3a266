/** App settings that pass validation, for tests that change one thing at a time. */
export const VALID_SETTINGS = {
  AUDIT_API_URL: 'https://immuta.example.com',
  ADLS_ACCOUNT_NAME: 'auditlake01',
  ADLS_FILE_SYSTEM: 'audit-output',
  ADLS_PATH: 'immuta-audit',
  KEY_VAULT_URL: 'https://audit-kv.vault.azure.net',
  SAS_SECRET_NAME: 'audit-export-sas',
  AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=host01;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net',
};
