/**
 * What counts as a secret in an environment, in one place: the runner hides these variables from
 * agents and redacts their values from everything it sends or stores.
 */

/** Names that look like credentials: *TOKEN*, *SECRET*, *PASSWORD*, PASSWD, CREDENTIAL(S), *_KEY, *APIKEY, *PRIVATE*. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|_KEY|APIKEY|PRIVATE/i;

/** Whether a variable of this name holds a secret. */
export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

const SCHEME_AND_USER = String.raw`[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@"'<>]*:`;
const PASSWORD = String.raw`[^\s@/"'<>]+`;

/**
 * The password of a URL with userinfo (`postgres://user:pass@host/db`), matched alone so a
 * redactor replaces only it. It stops at `@`, whitespace, a slash or a quote.
 */
export const URL_PASSWORD_SOURCE = `(?<=${SCHEME_AND_USER})${PASSWORD}(?=@)`;
const URL_PASSWORD = new RegExp(URL_PASSWORD_SOURCE, 'g');
const URL_CREDENTIALS = new RegExp(URL_PASSWORD_SOURCE);

/** Whether `value` carries a credential inside a URL. */
export const hasUrlCredentials = (value: string): boolean => URL_CREDENTIALS.test(value);

/** The passwords of every URL with userinfo in `value`, as written and percent-decoded. */
export function urlPasswords(value: string): string[] {
  return [...value.matchAll(URL_PASSWORD)].flatMap(([password]) => {
    const decoded = safeDecode(password);
    return decoded === password ? [password] : [password, decoded];
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
