/** What the ethernet suite needs before any check: its profile keys, and the steps that tell whether they are right. */
import type { PreflightContext } from '../framework/check.js';
import { profileKey as key, type ProfileKey } from '../framework/profile-keys.js';

export const profileKeys: ProfileKey[] = [
  key('buyerIdA', 'string', true, "tenant A's buyerId"),
  key('buyerIdB', 'string', true, "tenant B's buyerId"),
  key('sellerId', 'string', true, 'the sellerId the checks put in every order (at most 25 characters)'),
];

export async function preflight({ t, clients, credentialProblem, brief }: PreflightContext): Promise<string[]> {
  const p = t.profile;
  const problems: string[] = [];
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const buyer = i ? p.buyerIdB : p.buyerIdA;
    const ex = await client.get('/orders', { query: { buyerId: buyer }, skipSchema: true });
    const refused = ex.status === 401 ? credentialProblem(i, ex) : undefined;
    if (refused) problems.push(refused);
    else if (ex.status !== 200) {
      problems.push(`listing the orders of buyerId "${buyer}" as tenant ${i ? 'B' : 'A'} answered ${brief(ex)}: is profile ethernet.buyerId${i ? 'B' : 'A'} that tenant's buyerId?`);
    }
  }
  return problems;
}
