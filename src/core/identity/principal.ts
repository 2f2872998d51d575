import { forbidden } from '../../kernel/errors.js';
import type { UserId } from '../ports.js';

/** Who is asking. Every core service call that reads or writes on someone's behalf takes one. */
export type Principal =
  | { readonly kind: 'user'; readonly userId: UserId; readonly username: string; readonly isAdmin: boolean }
  /** The operator at the console (herald CLI, demo data): trusted like an administrator. */
  | { readonly kind: 'system'; readonly reason: string };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export const systemPrincipal = (reason: string): Principal => ({ kind: 'system', reason });

export function isAdministrator(principal: Principal): boolean {
  return principal.kind === 'system' || principal.isAdmin;
}

/** Authorization checked in the core (STYLE habit 15), not only in the adapter. */
export function requireAdministrator(principal: Principal, action: string): void {
  if (!isAdministrator(principal)) throw forbidden(`${action} needs an administrator`);
}

export function requireSelfOrAdministrator(principal: Principal, userId: UserId, action: string): void {
  if (isAdministrator(principal)) return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw forbidden(`${action} is allowed only for yourself or an administrator`);
}

export function describePrincipal(principal: Principal): string {
  return principal.kind === 'system' ? `system (${principal.reason})` : principal.username;
}
