/**
 * The whole run as a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/): one page per check, one
 * entry per request it sent, credentials masked as in the transcripts. Browser dev tools and HTTP clients
 * open it.
 */
import type { CertificationRun } from '../framework/certify.js';
import type { Exchange } from '../framework/types.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
};

const headerList = (headers: Record<string, string>) => Object.entries(headers).map(([name, value]) => ({ name, value }));
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function entry(ex: Exchange, pageref: string, check: string) {
  const url = new URL(ex.url);
  const body = ex.requestBody === undefined ? undefined : typeof ex.requestBody === 'string' ? ex.requestBody : JSON.stringify(ex.requestBody);
  const requestType = Object.entries(ex.requestHeaders).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  return {
    pageref,
    startedDateTime: ex.startedAt,
    time: ex.durationMs,
    request: {
      method: ex.method,
      url: ex.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(ex.requestHeaders),
      queryString: [...url.searchParams.entries()].map(([name, value]) => ({ name, value })),
      ...(body !== undefined ? { postData: { mimeType: requestType, text: body } } : {}),
      headersSize: -1,
      bodySize: body === undefined ? 0 : bytes(body),
    },
    response: {
      status: ex.status,
      statusText: STATUS_TEXT[ex.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(ex.headers),
      content: {
        size: ex.cut?.bytes ?? bytes(ex.text),
        mimeType: ex.headers['content-type'] ?? '',
        text: ex.text,
        // An answer longer than --max-body, or a list read item by item: only its start is kept.
        ...(ex.cut ? { comment: `cut: the first ${ex.cut.kept} of at least ${ex.cut.bytes} bytes` } : {}),
      },
      redirectURL: ex.headers.location ?? '',
      headersSize: -1,
      bodySize: ex.cut?.bytes ?? bytes(ex.text),
    },
    cache: {},
    timings: { send: 0, wait: ex.durationMs, receive: 0 },
    comment: `${check}: ${ex.clock ? 'test clock' : ex.tenant ? `tenant ${ex.tenant}${ex.wrongSecret !== undefined ? ' with a wrong secret' : ''}` : 'no credentials'}`,
  };
}

export function harReport(run: CertificationRun): string {
  const pages = [];
  const entries = [];
  for (const result of run.results) {
    const transcript = result.transcript ?? [];
    if (!transcript.length) continue;
    const id = result.check;
    pages.push({
      startedDateTime: transcript[0].startedAt,
      id,
      title: `${result.outcome.toUpperCase()} ${result.rule}: ${result.title}`,
      pageTimings: { onContentLoad: -1, onLoad: -1 },
    });
    for (const ex of transcript) entries.push(entry(ex, id, id));
  }
  entries.sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime));
  const har = {
    log: {
      version: '1.2',
      creator: { name: run.suite.name, version: run.suite.version },
      pages,
      entries,
      comment: `ordercert certify ${run.startedAt} - ${run.finishedAt}: ${run.verdict}`,
    },
  };
  return JSON.stringify(har, null, 2) + '\n';
}
