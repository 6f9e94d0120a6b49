/**
 * Where a secret comes from: an environment variable, a file, or a secret in Azure Key Vault.
 * ppmat.yaml names the source, never the value, so the file can be reviewed, versioned and
 * shared; the value is read when the credential or channel is built, and every error names
 * the config path and the source (variable, file, vault and secret name), never the value.
 *
 * Two spellings, one meaning:
 * - object (tenant credentials, the API's sign-in secret):
 *   `{ env: NAME }`, `{ file: /path }`, `{ keyVault: { vaultUrl, name, version? } }` or
 *   `{ keyVault: https://<vault>.vault.azure.net/secrets/<name>[/<version>] }`;
 * - string (alert channels, which always used it): `env:NAME`, `file:/path`,
 *   `keyvault:https://<vault>.vault.azure.net/secrets/<name>[/<version>]`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KeyVaultReference, KeyVaultSecretReader } from '../auth/key-vault.js';
import { PpmatError } from '../errors/catalogue.js';

/** Key Vault object names: 1 to 127 letters, digits and dashes (Azure's rule). */
const KEY_VAULT_NAME = /^[0-9A-Za-z-]{1,127}$/;
/** Key Vault versions: 32 hex digits in practice; any short alphanumeric id is let through. */
const KEY_VAULT_VERSION = /^[0-9A-Za-z]{1,64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type { KeyVaultReference } from '../auth/key-vault.js';

/** A parsed secret source: exactly one of the three. */
export type SecretSource = { env: string } | { file: string } | { keyVault: KeyVaultReference };

/**
 * `https://<vault>/secrets/<name>[/<version>]` (the secret identifier Azure shows) as a
 * reference, or the reason it is not one. Only https: the SDK sends its token over TLS only.
 */
export function parseKeyVaultSecretUri(uri: string): KeyVaultReference | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not a URL (expected https://<vault>.vault.azure.net/secrets/<name>[/<version>])';
  }
  if (url.protocol !== 'https:') return 'must use https (Key Vault is reached over TLS only)';
  if (url.username || url.password || url.search || url.hash) return 'must not contain a user name, password, query or fragment';
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'secrets' || parts.length < 2 || parts.length > 3) return 'must be https://<vault>.vault.azure.net/secrets/<name>[/<version>]';
  const [, name, version] = parts as [string, string, string | undefined];
  if (!KEY_VAULT_NAME.test(name)) return 'names a secret that is not a Key Vault name (1-127 letters, digits and dashes)';
  if (version !== undefined && !KEY_VAULT_VERSION.test(version)) return 'names a version that is not a Key Vault version id';
  return { vaultUrl: url.origin, name, ...(version ? { version } : {}) };
}

const keyVaultObjectSchema = z.strictObject({
  /** The vault, e.g. https://contoso-ppmat.vault.azure.net. */
  vaultUrl: z.url({ protocol: /^https$/, error: 'must be the https URL of the vault (e.g. https://contoso-ppmat.vault.azure.net)' }).transform((url) => new URL(url).origin),
  /** The secret's name in the vault. */
  name: z.string().regex(KEY_VAULT_NAME, 'must be a Key Vault secret name (1-127 letters, digits and dashes)'),
  /** A fixed version; the current version when omitted (so a rotated secret is picked up at the next start). */
  version: z.string().regex(KEY_VAULT_VERSION, 'must be a Key Vault version id').optional(),
});

const keyVaultUriSchema = z.string().transform((uri, ctx) => {
  const parsed = parseKeyVaultSecretUri(uri);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const REFERENCE_FORMS = '{ env: NAME }, { file: /path } or { keyVault: { vaultUrl, name } }';

/** A secret source in ppmat.yaml (object form); an inline string is refused with the forms allowed. */
export const secretSourceSchema = z
  .strictObject(
    {
      env: z.string().regex(ENV_NAME, 'must be the name of an environment variable').optional(),
      file: z.string().min(1).optional(),
      keyVault: z.union([keyVaultUriSchema, keyVaultObjectSchema], { error: 'must be { vaultUrl, name, version? } or a secret identifier https://<vault>.vault.azure.net/secrets/<name>' }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? `must be a reference, ${REFERENCE_FORMS} (secrets are never written in ppmat.yaml)` : undefined) },
  )
  .refine((s) => [s.env, s.file, s.keyVault].filter((v) => v !== undefined).length === 1, { message: `give exactly one of ${REFERENCE_FORMS}` })
  .transform((s): SecretSource => (s.env !== undefined ? { env: s.env } : s.file !== undefined ? { file: s.file } : { keyVault: s.keyVault! }));

/** The string form of alert channels: `env:NAME`, `file:/path` or `keyvault:https://...`. */
export const SECRET_REFERENCE_PATTERN = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S.*|keyvault:https:\/\/\S+)$/;

/** Parses a string reference (already matched by {@link SECRET_REFERENCE_PATTERN}); throws with the reason when a Key Vault URI is malformed. */
export function parseSecretReference(reference: string): SecretSource {
  if (reference.startsWith('env:')) return { env: reference.slice('env:'.length) };
  if (reference.startsWith('file:')) return { file: reference.slice('file:'.length) };
  if (reference.startsWith('keyvault:')) {
    const parsed = parseKeyVaultSecretUri(reference.slice('keyvault:'.length));
    if (typeof parsed === 'string') throw new Error(`the Key Vault reference ${parsed}`);
    return { keyVault: parsed };
  }
  throw new Error('is not a reference (env:NAME, file:/path or keyvault:https://<vault>.vault.azure.net/secrets/<name>)');
}

/** How a source is named in messages: the variable, the file or the vault and secret; never the value. */
export function describeSecretSource(source: SecretSource): string {
  if ('env' in source) return `the environment variable ${source.env}`;
  if ('file' in source) return `the file ${source.file}`;
  const { vaultUrl, name, version } = source.keyVault;
  return `the Key Vault secret "${name}"${version ? ` (version ${version})` : ''} in ${vaultUrl}`;
}

/** Reads the secrets that config names. One per command or service; Key Vault is reached only when a reference needs it. */
export interface SecretResolver {
  /**
   * The secret's value. Rejects with PPMAT_E_CONFIG_INVALID (unset variable, unreadable file,
   * empty value) or PPMAT_E_SECRET_UNAVAILABLE (Key Vault refused, has no such secret, or could
   * not be reached), the message naming `where` (a config path) and the source, never the value.
   */
  read(source: SecretSource, where: string): Promise<string>;
}

export interface SecretResolverOptions {
  env: NodeJS.ProcessEnv;
  /** Reads a secret file (default: fs). */
  readText?: (path: string) => Promise<string>;
  /**
   * Reads Key Vault references. A function is called at the first Key Vault reference only, so
   * a configuration without one never builds a Key Vault credential. Absent: Key Vault
   * references are refused with the reason.
   */
  keyVault?: KeyVaultSecretReader | (() => KeyVaultSecretReader);
}

export function createSecretResolver(options: SecretResolverOptions): SecretResolver {
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  let keyVault: KeyVaultSecretReader | undefined;
  const vault = (where: string): KeyVaultSecretReader => {
    if (keyVault) return keyVault;
    if (!options.keyVault) throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'Key Vault references are not available here.', { where });
    keyVault = typeof options.keyVault === 'function' ? options.keyVault() : options.keyVault;
    return keyVault;
  };
  return {
    async read(source, where) {
      let value: string;
      if ('env' in source) {
        value = options.env[source.env] ?? '';
        if (value === '') throw new PpmatError('PPMAT_E_CONFIG_INVALID', `the environment variable ${source.env} is not set.`, { where });
        return value;
      }
      if ('file' in source) {
        try {
          value = (await readText(source.file)).trim();
        } catch (error) {
          throw new PpmatError('PPMAT_E_CONFIG_INVALID', `cannot read the secret file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, { where });
        }
      } else {
        value = await vault(where).read(source.keyVault, where);
      }
      if (value === '') throw new PpmatError('PPMAT_E_CONFIG_INVALID', `${describeSecretSource(source)} is empty.`, { where });
      return value;
    },
  };
}
