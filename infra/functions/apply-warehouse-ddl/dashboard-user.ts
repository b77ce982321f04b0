import { createHash } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, RetailLakeError } from '../../../functions/lib/errors';
import type { Warehouse } from '../../../functions/lib/ports';
import type { DashboardUserProperties } from '../../lib/warehouse/warehouse-ddl';

/** Reads a Secrets Manager secret's string (tests of the handler inject their own). */
export type ReadSecret = (secretArn: string) => Promise<string>;

/** GetSecretValue through `client`; a secret without a string value (a binary one) is refused. */
export function secretsManagerReader(client: SecretsManagerClient): ReadSecret {
  return async (secretArn) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (typeof out.SecretString !== 'string') throw new ConfigurationError(`secret ${secretArn} has no string value`);
    return out.SecretString;
  };
}

const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/** A single-quoted Redshift string literal; a backslash (an escape character in Redshift literals) is refused. */
export function redshiftStringLiteral(value: string): string {
  if (value.includes('\\')) throw new ConfigurationError('a backslash cannot go into a Redshift string literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The password as Redshift's MD5 form ('md5' + md5(password + user)): the statement text, which the Data API and
 * the warehouse's logs keep, then holds no clear password. Redshift's plain-text rules are checked first (8-64
 * characters, an upper- and a lower-case letter and a digit, ASCII 33-126 but ' " \ / @), so a password that works
 * here also works typed into a client.
 */
export function redshiftPasswordHash(username: string, password: string): string {
  const reasons = [
    password.length < 8 || password.length > 64 ? 'it must have 8 to 64 characters' : '',
    /[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password) ? '' : 'it needs an upper-case letter, a lower-case letter and a digit',
    /^[\x21-\x7e]*$/.test(password) && !/['"\\/@]/.test(password) ? '' : `it may only hold ASCII 33-126 except ' " \\ / @`,
  ].filter(Boolean);
  if (reasons.length) throw new ConfigurationError(`the password of database user ${username} is not one Redshift accepts: ${reasons.join('; ')}`);
  return `md5${createHash('md5').update(password + username).digest('hex')}`;
}

/** `{ username, password }` from the secret, checked against the user the template names. */
export function parseUserSecret(secretString: string, expectedUsername: string): { username: string; password: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new ConfigurationError(`the secret of database user ${expectedUsername} is not JSON`); // never echo the value
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof password !== 'string') throw new ConfigurationError(`the secret of database user ${expectedUsername} has no string field password`);
  if (username !== expectedUsername) throw new ConfigurationError(`the secret's username field must be ${expectedUsername}`);
  return { username, password };
}

/** The statements that set the user's password and give it the role; `exists` picks CREATE or ALTER. */
export function dashboardUserStatements(user: DashboardUserProperties, password: string, exists: boolean): string[] {
  for (const name of [user.Username, user.Role]) if (!PLAIN_NAME.test(name)) throw new ConfigurationError(`"${name}" is not a plain lower-case database name`);
  const literal = redshiftStringLiteral(redshiftPasswordHash(user.Username, password));
  return [
    exists ? `ALTER USER ${user.Username} PASSWORD ${literal}` : `CREATE USER ${user.Username} PASSWORD ${literal}`,
    `GRANT ROLE ${user.Role} TO ${user.Username}`,
  ];
}

/**
 * Creates QuickSight's user or sets its password to the secret's, then grants it the dashboard role. A failure is
 * reported without the statement (it holds the password's hash): the message goes to CloudFormation's Reason.
 */
export async function applyDashboardUser(warehouse: Warehouse, user: DashboardUserProperties, readSecret: ReadSecret): Promise<string> {
  const { password } = parseUserSecret(await readSecret(user.SecretArn), user.Username);
  const rows = await warehouse.query(`SELECT usename FROM pg_user WHERE usename = ${redshiftStringLiteral(user.Username)}`);
  const exists = rows.length > 0;
  const statements = dashboardUserStatements(user, password, exists);
  try {
    await warehouse.execute(statements);
  } catch (err) {
    const hash = redshiftPasswordHash(user.Username, password);
    const message = (err instanceof Error ? err.message : String(err)).split(hash).join('***').split(password).join('***');
    throw new RetailLakeError(`${exists ? 'altering' : 'creating'} database user ${user.Username} failed: ${message}`);
  }
  return `${exists ? 'set the password of' : 'created'} user ${user.Username} with role ${user.Role}`;
}
