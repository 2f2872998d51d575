export { type Checked, checkDisplayName, checkEmail, checkPassword, checkUsername } from './account-names.js';
export { AccountService, type AccountServiceOptions, type NewUser } from './account-service.js';
export { AuthService, type AuthServiceOptions, userPrincipal } from './auth-service.js';
export { deriveCredentials } from './credential-factory.js';
export { LoginThrottle } from './login-throttle.js';
export {
  describePrincipal,
  isAdministrator,
  type Principal,
  requireAdministrator,
  requireSelfOrAdministrator,
  systemPrincipal,
  type UserPrincipal,
} from './principal.js';
