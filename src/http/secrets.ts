/** Transitional: moved to src/shared/secrets.ts (sessions, a use case, need them too). */
export { credentialFingerprint, sha256, tokensEqual } from '../shared/secrets';
