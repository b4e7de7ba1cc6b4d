import { invalidArgument } from '../errors/auth-error.ts';

/** A required string field: present and not blank, else INVALID_ARGUMENT naming it (snake_case). */
export function requireField(value: string, name: string): string {
  if (value.trim() === '') throw invalidArgument(`${name} is required.`);
  return value;
}
