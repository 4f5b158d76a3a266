// Fixed word lists the generator draws from. Small on purpose: realistic repetition, tiny memory.

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis',
  'Radia', 'Tim', 'Katherine', 'Linus', 'Hedy', 'John', 'Sophie', 'Niklaus', 'Annie', 'Bjarne',
  'Karen', 'Guido', 'Jean', 'Leslie', 'Shafi', 'Whitfield', 'Mary', 'Yukihiro', 'Lynn', 'Brian',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie',
  'Perlman', 'Berners-Lee', 'Johnson', 'Torvalds', 'Lamarr', 'McCarthy', 'Wilson', 'Wirth', 'Easley', 'Stroustrup',
  'Jones', 'van Rossum', 'Sammet', 'Lamport', 'Goldwasser', 'Diffie', 'Shaw', 'Matsumoto', 'Conway', 'Kernighan',
] as const;

/** How many distinct users act in the synthetic tenant. */
export const USER_COUNT = 120;

export const IDENTITY_PROVIDERS = ['bim', 'bim', 'okta', 'azure-ad'] as const;

export const SCHEMAS = [
  { name: 'sales', title: 'Sales', technology: 'Snowflake', database: 'ANALYTICS' },
  { name: 'finance', title: 'Finance', technology: 'Snowflake', database: 'FINANCE' },
  { name: 'hr', title: 'HR', technology: 'Databricks', database: 'people' },
  { name: 'marketing', title: 'Marketing', technology: 'Databricks', database: 'growth' },
  { name: 'ops', title: 'Operations', technology: 'Redshift', database: 'warehouse' },
  { name: 'support', title: 'Support', technology: 'PostgreSQL', database: 'helpdesk' },
] as const;

export const TABLES = [
  { name: 'orders', title: 'Orders', columns: ['order_id', 'customer_id', 'order_date', 'total_amount', 'currency', 'status'] },
  { name: 'customers', title: 'Customers', columns: ['customer_id', 'full_name', 'email', 'country', 'segment', 'created_at'] },
  { name: 'invoices', title: 'Invoices', columns: ['invoice_id', 'order_id', 'issued_at', 'due_at', 'amount', 'paid'] },
  { name: 'employees', title: 'Employees', columns: ['employee_id', 'name', 'department', 'salary', 'hired_at', 'manager_id'] },
  { name: 'tickets', title: 'Tickets', columns: ['ticket_id', 'opened_at', 'priority', 'assignee', 'subject', 'closed_at'] },
  { name: 'campaigns', title: 'Campaigns', columns: ['campaign_id', 'channel', 'budget', 'start_date', 'end_date', 'owner'] },
  { name: 'shipments', title: 'Shipments', columns: ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'delivered_at', 'weight_kg'] },
  { name: 'payments', title: 'Payments', columns: ['payment_id', 'invoice_id', 'method', 'amount', 'received_at', 'reference'] },
] as const;

export const POLICIES = [
  { name: 'Mask PII for non-HR users', type: 'DATA' },
  { name: 'Row filter by sales region', type: 'DATA' },
  { name: 'Minimize rows for contractors', type: 'DATA' },
  { name: 'Hash email addresses', type: 'DATA' },
  { name: 'Subscribe Finance group to finance sources', type: 'SUBSCRIPTION' },
  { name: 'Allow anyone with purpose Fraud Detection', type: 'SUBSCRIPTION' },
  { name: 'Time-based restriction: last 90 days', type: 'DATA' },
  { name: 'Redact free-text notes', type: 'DATA' },
] as const;

export const PURPOSES = ['Fraud Detection', 'Quarterly Reporting', 'Customer Support', 'Marketing Analytics', 'Audit'] as const;

export const PROJECTS = ['Churn Model', 'Revenue Forecast', 'Support Quality', 'Regulatory Reporting'] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0',
  'Mozilla/5.0 (Macintosh; Mac OS X 14_4) Safari/17.4',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0',
  'python-requests/2.31.0',
] as const;

/** Documentation-only address ranges (RFC 5737): these never route anywhere. */
export const IP_PREFIXES = ['192.0.2.', '198.51.100.', '203.0.113.'] as const;

export const SUBSCRIPTION_REASONS = [
  'Quarterly revenue review',
  'Churn dashboard for support',
  'Data quality investigation',
  'Standard access for my role',
] as const;

export const FAILURE_REASONS = [
  'Insufficient privileges for the requested operation.',
  'The session expired; please sign in again.',
  'The remote data platform did not respond in time.',
] as const;
