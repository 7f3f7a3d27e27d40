import fs from 'node:fs';
import { inspect } from 'node:util';
import { ConfigError } from './parse-env';

/** A PEM file read at start. Logs and JSON show its path only: the contents are noise, or a private key. */
export class PemFile {
  constructor(
    readonly path: string,
    readonly pem: string,
  ) {}

  toJSON(): { path: string } {
    return { path: this.path };
  }

  [inspect.custom](): string {
    return `PemFile(${this.path})`;
  }
}

export type PemKind = 'certificate' | 'private key';

/** Reads the file a `*_FILE` variable names; anything but a readable PEM of the right kind is a ConfigError naming the variable. */
export function readPemFile(variable: string, path: string, kind: PemKind): PemFile {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: ${path} ${describeReadError(error)}`);
  }
  const problem = pemProblem(text, kind);
  if (problem) throw new ConfigError(`${variable}: ${path} ${problem}`);
  return new PemFile(path, text);
}

/** Why a file's text is not a PEM of the expected kind, or undefined when it is one. Never quotes the contents. */
export function pemProblem(text: string, kind: PemKind): string | undefined {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]!);
  if (!text.includes('-----BEGIN ') || labels.length === 0) return 'is not a PEM file (no "-----BEGIN " line)';
  if (kind === 'certificate') return labels.includes('CERTIFICATE') ? undefined : `is not a PEM certificate (it holds ${labels[0]}; expected CERTIFICATE)`;
  if (labels.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type: 4,ENCRYPTED/.test(text)) return 'holds an encrypted private key; give the key unencrypted (no passphrase is read)';
  return labels.some((label) => /^(RSA |EC |)PRIVATE KEY$/.test(label)) ? undefined : `is not a PEM private key (it holds ${labels[0]}; expected PRIVATE KEY)`;
}

function describeReadError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'is not readable (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a PEM file';
    default:
      return `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}
