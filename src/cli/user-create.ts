import { createPasswordHasher, MAX_PASSWORD_LENGTH } from '../auth/password-hasher.ts';
import { ConfigError } from '../config/config.ts';
import { normalizeEmail } from '../users/email.ts';
import { isKnownRole, ROLE_PERMISSIONS } from '../users/roles.ts';
import { createUserDirectory, MIN_PASSWORD_LENGTH } from '../users/user-directory.ts';
import { type Command, DB_FLAG_LINE, flagLines, openCommandStore, requireFlags } from './command.ts';

const ROLES = Object.keys(ROLE_PERMISSIONS);

/** `user create`: creates a user (and its organization when new) on the configured store. */
export const userCreate: Command = {
  name: 'user create',
  summary: 'create a user (and its organization when new)',
  usage: `Usage: semaswift-auth user create --email E --password P --org ORG [--role R]… [--name N] [--db DB]

Creates a user and prints {"id","email","organization_id","roles"}.

${flagLines([
  ['--email E', 'the sign-in email'],
  ['--password P', `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`],
  ['--org ORG', 'an organization name or org_ id; a new name creates the organization'],
  ['--role R', `${ROLES.join(' or ')}; repeatable; default agent`],
  ['--name N', 'display name'],
  DB_FLAG_LINE,
])}`,
  flags: {
    db: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    org: { type: 'string' },
    role: { type: 'string', multiple: true },
    name: { type: 'string' },
  },
  async run(values) {
    requireFlags(values, ['email', 'password', 'org']);
    const email = values.email as string;
    const password = values.password as string;
    const org = values.org as string;
    const roles = values.role as string[] | undefined;
    // Checked here, before the store is opened, so that a typo creates neither the database nor,
    // further down, the organization.
    try {
      normalizeEmail(email);
    } catch {
      throw new ConfigError(`--email must be an email address (got "${email}").`);
    }
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw new ConfigError(
        `--password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
      );
    }
    const unknown = (roles ?? []).find((role) => !isKnownRole(role));
    if (unknown !== undefined) {
      throw new ConfigError(`--role must be ${ROLES.join(' or ')} (got "${unknown}").`);
    }

    const store = await openCommandStore(values);
    try {
      const users = createUserDirectory({ store, hasher: await createPasswordHasher() });
      const organization = await users.resolveOrganization(org, true);
      const user = await users.createUser({
        organizationId: organization.id,
        email,
        password,
        name: values.name as string | undefined,
        roles,
      });
      return { id: user.id, email: user.email, organization_id: user.organizationId, roles: user.roles };
    } finally {
      await store.close();
    }
  },
};
