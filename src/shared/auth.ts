import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import type { Tenant } from './config.js';

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/**
 * HTTP Basic authentication against the configured tenants. Secrets are compared as SHA-256
 * digests with timingSafeEqual, so the time taken does not depend on how much of a guess was right.
 * The authenticated tenant's name is put on `res.locals.tenant`.
 */
export function basicAuth(tenants: Tenant[]): RequestHandler {
  const known = new Map(tenants.map((t) => [t.user, digest(t.secret)]));
  const decoy = digest('not-a-secret');
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    let user = '';
    let secret = '';
    if (match) {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        user = decoded.slice(0, colon);
        secret = decoded.slice(colon + 1);
      }
    }
    const expected = known.get(user);
    const ok = crypto.timingSafeEqual(expected ?? decoy, digest(secret)) && expected !== undefined;
    if (!ok) {
      res.setHeader('WWW-Authenticate', 'Basic realm="ordercert", charset="UTF-8"');
      return next(new ApiError(401, 'UNAUTHORIZED', match ? 'Unknown user or wrong secret' : 'HTTP Basic credentials are required'));
    }
    res.locals.tenant = user;
    next();
  };
}
