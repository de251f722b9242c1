import type { ServerVersion } from '../../types';

/** How people name a server version: `16`, `10`, but `9.6` (before 10 the minor number was part of the major release). */
export function versionLabel({ major, minor }: ServerVersion): string {
  return major >= 10 ? String(major) : `${major}.${minor}`;
}
