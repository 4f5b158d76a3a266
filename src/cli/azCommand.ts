/** App settings as one `az functionapp config appsettings set` command, each pair shell-quoted. */
export function azAppSettingsCommand(settings: Record<string, string>): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const pairs = Object.entries(settings).map(([k, v]) => `  ${quote(`${k}=${v}`)}`);
  return `az functionapp config appsettings set --name <function-app> --resource-group <resource-group> --settings \\\n${pairs.join(' \\\n')}`;
}
