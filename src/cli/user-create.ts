import { createPasswordHasher } from '../auth/password-hasher.ts';
import { ConfigError, parseCommandLine, resolveConfig } from '../config/config.ts';
import { openStore } from '../storage/open-store.ts';
import { createUserDirectory } from '../users/user-directory.ts';

/** `user create`: creates a user (and its organization when new) on the configured store. */
export async function userCreate(args: string[]) {
  const { values } = parseCommandLine(args, {
    email: { type: 'string' },
    password: { type: 'string' },
    org: { type: 'string' },
    role: { type: 'string', multiple: true },
    name: { type: 'string' },
  });
  const { email, password, org } = values as Record<string, string | undefined>;
  if (!email || !password || !org) throw new ConfigError('user create needs --email, --password and --org.');
  const store = await openStore(resolveConfig(values as Record<string, string>).db);
  try {
    const users = createUserDirectory({ store, hasher: await createPasswordHasher() });
    const organization = await users.resolveOrganization(org, true);
    const user = await users.createUser({
      organizationId: organization.id,
      email,
      password,
      name: values.name as string | undefined,
      roles: values.role as string[] | undefined,
    });
    return { id: user.id, email: user.email, organization_id: user.organizationId, roles: user.roles };
  } finally {
    await store.close();
  }
}
