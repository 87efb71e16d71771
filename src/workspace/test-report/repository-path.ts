import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Turns a path reported by a tool (absolute, relative or a file:// URL) into a posix path relative
 * to the repository root. Paths outside the root stay absolute (normalized to posix) so they are
 * still recognisable; '' stays ''.
 */
export function toRepositoryPath(filePath: string, root: string): string {
  const trimmed = filePath.trim();
  if (trimmed === '') return '';
  const file = toPosix(fromFileUrl(trimmed));
  const rootPath = toPosix(root).replace(/\/+$/, '');
  if (!isAbsolute(file)) return path.posix.normalize(file).replace(/^\.\//, '');
  const normalizedFile = path.posix.normalize(file);
  if (rootPath !== '' && normalizedFile.startsWith(`${rootPath}/`)) {
    return normalizedFile.slice(rootPath.length + 1);
  }
  return normalizedFile;
}

/** True for '/x' and 'C:/x' (after conversion to posix separators). */
export function isAbsolute(posixPath: string): boolean {
  return posixPath.startsWith('/') || /^[A-Za-z]:\//.test(posixPath);
}

function fromFileUrl(value: string): string {
  if (!value.startsWith('file://')) return value;
  try {
    return fileURLToPath(value);
  } catch {
    return value.slice('file://'.length);
  }
}

function toPosix(value: string): string {
  return value.replace(/\\/g, '/');
}
