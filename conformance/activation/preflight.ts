/** What the activation suite needs before any check: its profile keys, and the steps that tell whether they are right. */
import type { PreflightContext } from '../framework/check.js';
import { profileKey as key, type ProfileKey } from '../framework/profile-keys.js';

export const profileKeys: ProfileKey[] = [
  key('accesses', 'strings', true, 'accesses the suite may order on freely'),
  key('service', 'string', true, 'a service offered at every access in accesses'),
  key('sameTypeService', 'string', true, 'another service of the same type, offered at those accesses'),
  key('failingAccess', 'string', false, 'an access where an ACTIVATE of service always ends DONE_FAILED'),
  key('moreFailingAccesses', 'strings', false, 'more accesses like failingAccess, so that the checks that order at one run side by side'),
  key('finishSeconds', 'number', false, 'seconds after which the server has finished a RECEIVED order (default 5)'),
  key('slowAccess', 'string', false, 'an access where orders take longer to finish than at accesses (more than finishSeconds)'),
  key('slowFinishSeconds', 'number', false, 'seconds after which the server has finished a RECEIVED order at slowAccess'),
];

export async function preflight({ t, clients, credentialProblem, brief }: PreflightContext): Promise<string[]> {
  const p = t.profile;
  const problems: string[] = [];
  let accesses: any[] | undefined;
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const ex = await client.get('/api/2.3.1/accesses/', { skipSchema: true });
    const refused = credentialProblem(i, ex);
    if (refused) problems.push(refused);
    else if (ex.status === 200 && Array.isArray(ex.body)) accesses ??= ex.body;
    else problems.push(`GET /api/2.3.1/accesses/ as tenant ${i ? 'B' : 'A'} answered ${brief(ex)}: is --activation-url the part before /api/2.3.1?`);
  }
  if (problems.length || !accesses) return problems;
  const byId = new Map(accesses.map((a) => [a?.accessId, a]));
  const offered = (access: any, service: string) => Array.isArray(access?.services) && access.services.some((s: any) => s?.service === service);
  const unknown = (p.accesses as string[]).filter((id) => !byId.has(id));
  if (unknown.length) problems.push(`profile activation.accesses names accesses the server does not list: ${unknown.join(', ')}`);
  for (const service of [p.service, p.sameTypeService]) {
    const without = (p.accesses as string[]).filter((id) => byId.has(id) && !offered(byId.get(id), service));
    if (without.length) problems.push(`service "${service}" is not offered at ${without.join(', ')} (profile activation.accesses)`);
  }
  if (p.failingAccess && !byId.has(p.failingAccess)) problems.push(`profile activation.failingAccess "${p.failingAccess}" is not an access the server lists`);
  const moreFailing = (p.moreFailingAccesses as string[] | undefined) ?? [];
  if (moreFailing.length && !p.failingAccess) problems.push('profile activation.moreFailingAccesses is given without activation.failingAccess: name the first in failingAccess');
  const unknownFailing = moreFailing.filter((id) => !byId.has(id));
  if (unknownFailing.length) problems.push(`profile activation.moreFailingAccesses names accesses the server does not list: ${unknownFailing.join(', ')}`);
  const pooled = [p.failingAccess, ...moreFailing].filter((id) => (p.accesses as string[]).includes(id));
  if (pooled.length) problems.push(`profile activation.accesses also names the failing ${pooled.join(', ')}: name failing accesses outside the pool`);
  if (p.slowAccess) {
    if (!byId.has(p.slowAccess)) problems.push(`profile activation.slowAccess "${p.slowAccess}" is not an access the server lists`);
    else if (!offered(byId.get(p.slowAccess), p.service)) problems.push(`service "${p.service}" is not offered at ${p.slowAccess} (profile activation.slowAccess)`);
    if ((p.accesses as string[]).includes(p.slowAccess)) problems.push(`profile activation.slowAccess "${p.slowAccess}" is also in activation.accesses: name an access outside the pool`);
    if (typeof p.slowFinishSeconds !== 'number' || p.slowFinishSeconds <= Number(p.finishSeconds ?? 5)) problems.push('profile activation.slowFinishSeconds is missing or not more than finishSeconds: give the seconds after which an order at slowAccess has finished');
  }
  return problems;
}
