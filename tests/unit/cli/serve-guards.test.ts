// The serve guards as pure functions: which Host, Origin, token, cookie and anti-CSRF
// header values pass. The e2e test (tests/e2e/serve-security.test.ts) sends the same
// kinds of values over real HTTP to the running server.
import { describe, expect, it } from 'vitest';
import { authorised, bearerToken, cookieName, cookieValue, csrfHeaderOk, hostAllowed, isLoopback, originAllowed, tokenMatches } from '../../../electron/cli/serve/guards';
import { fileNameOf, sessionOf, DEFAULT_SESSION } from '../../../electron/cli/serve/api-routes';
import { staticPath } from '../../../electron/cli/serve/static-files';

const local = { bindHost: '127.0.0.1', port: 4242, allowRemote: false };

describe('hostAllowed (DNS rebinding)', () => {
  it('takes the loopback names with our port, case-insensitively', () => {
    for (const h of ['127.0.0.1:4242', 'localhost:4242', 'LOCALHOST:4242', '[::1]:4242']) expect(hostAllowed(h, local), h).toBe(true);
  });
  it('refuses other names, other ports, no port, and no header', () => {
    for (const h of [undefined, '', 'evil.example:4242', '127.0.0.1', 'localhost', '127.0.0.1:4243', '127.0.0.2:4242', '127.0.0.1.nip.io:4242', '[::ffff:127.0.0.1]:4242', 'localhost.:4242', 'user@127.0.0.1:4242', '2130706433:4242', ' 127.0.0.1:4242']) {
      expect(hostAllowed(h, local), String(h)).toBe(false);
    }
  });
  it('with --allow-remote: the bound address; on a wildcard any plain name with our port', () => {
    expect(hostAllowed('10.1.2.3:4242', { bindHost: '10.1.2.3', port: 4242, allowRemote: true })).toBe(true);
    expect(hostAllowed('10.1.2.4:4242', { bindHost: '10.1.2.3', port: 4242, allowRemote: true })).toBe(false);
    expect(hostAllowed('10.1.2.3:4242', { bindHost: '10.1.2.3', port: 4242, allowRemote: false })).toBe(false);
    const wild = { bindHost: '0.0.0.0', port: 4242, allowRemote: true };
    expect(hostAllowed('server-7.lab:4242', wild)).toBe(true);
    expect(hostAllowed('server-7.lab:80', wild)).toBe(false);
    expect(hostAllowed('a@b:4242', wild)).toBe(false);
  });
});

describe('originAllowed', () => {
  it('no Origin (navigation, same-origin GET, curl) passes; our own origin passes', () => {
    expect(originAllowed(undefined, '127.0.0.1:4242')).toBe(true);
    expect(originAllowed('http://127.0.0.1:4242', '127.0.0.1:4242')).toBe(true);
    expect(originAllowed('http://LOCALHOST:4242', 'localhost:4242')).toBe(true);
  });
  it('another site, another port, https, or "null" is refused', () => {
    for (const o of ['https://evil.example', 'http://127.0.0.1:4243', 'https://127.0.0.1:4242', 'null', '', 'http://127.0.0.1:4242.evil.example']) {
      expect(originAllowed(o, '127.0.0.1:4242'), o).toBe(false);
    }
  });
});

describe('the token: query, cookie, bearer', () => {
  const token = 'A'.repeat(32);
  it('tokenMatches needs the same bytes and length', () => {
    expect(tokenMatches(token, token)).toBe(true);
    for (const t of [null, undefined, '', token.slice(1), `${token}A`, `${token.slice(1)}B`, 'Ä'.repeat(16)]) expect(tokenMatches(t, token), String(t)).toBe(false);
  });
  it('cookieValue finds our port\'s cookie among others, and only that one', () => {
    expect(cookieName(4242)).toBe('topolens_token_4242');
    expect(cookieValue(`a=1; topolens_token_4242=${encodeURIComponent('x/y')}; b=2`, 'topolens_token_4242')).toBe('x/y');
    expect(cookieValue('topolens_token_42420=z; topolens_token=z', 'topolens_token_4242')).toBeNull();
    expect(cookieValue('topolens_token_4242=%E0%A4%A', 'topolens_token_4242')).toBeNull();
    expect(cookieValue(undefined, 'topolens_token_4242')).toBeNull();
  });
  it('bearerToken reads only "Bearer X"', () => {
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`Basic ${token}`)).toBeNull();
    expect(bearerToken(`bearer ${token}`)).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
  it('authorised: any one of the three with the right token', () => {
    const none = { queryToken: null, cookie: undefined, authorization: undefined };
    expect(authorised(none, token, 4242)).toBe(false);
    expect(authorised({ ...none, queryToken: token }, token, 4242)).toBe(true);
    expect(authorised({ ...none, cookie: `topolens_token_4242=${token}` }, token, 4242)).toBe(true);
    expect(authorised({ ...none, cookie: `topolens_token_4243=${token}` }, token, 4242)).toBe(false);
    expect(authorised({ ...none, authorization: `Bearer ${token}` }, token, 4242)).toBe(true);
    expect(authorised({ queryToken: 'x', cookie: 'topolens_token_4242=y', authorization: 'Bearer z' }, token, 4242)).toBe(false);
  });
});

describe('csrfHeaderOk, isLoopback', () => {
  it('POST needs X-Topolens: 1; GET does not', () => {
    expect(csrfHeaderOk('POST', '1')).toBe(true);
    expect(csrfHeaderOk('POST', undefined)).toBe(false);
    expect(csrfHeaderOk('POST', '0')).toBe(false);
    expect(csrfHeaderOk('POST', ['1', '1'])).toBe(false);
    expect(csrfHeaderOk('GET', undefined)).toBe(true);
  });
  it('isLoopback', () => {
    expect(['127.0.0.1', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '127.0.0.2', '10.0.0.1'].some(isLoopback)).toBe(false);
  });
});

describe('request values the API routes take', () => {
  it('sessionOf: absent → the shared default session; malformed → 400', () => {
    expect(sessionOf(undefined)).toBe(DEFAULT_SESSION);
    expect(sessionOf('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    for (const bad of ['short', 'x'.repeat(65), '../../../../etc/passwd', ['a'.repeat(20), 'b'.repeat(20)]]) {
      expect(() => sessionOf(bad as string), String(bad)).toThrow(/X-Topolens-Session/);
    }
  });
  it('fileNameOf: URL-encoded or raw base names; never a path', () => {
    expect(fileNameOf(encodeURIComponent('日本 capture.tar.gz'))).toBe('日本 capture.tar.gz');
    expect(fileNameOf('50%.txt')).toBe('50%.txt');
    for (const bad of [undefined, '', '..', '.', 'a/b', encodeURIComponent('a/b'), encodeURIComponent('..'), 'a\\b', encodeURIComponent('a\0b'), 'x'.repeat(256)]) {
      expect(() => fileNameOf(bad), String(bad)).toThrow(/X-Filename/);
    }
  });
  it('staticPath stays inside the UI folder', () => {
    expect(staticPath('/srv/ui', '/')).toBe('/srv/ui/index.html');
    expect(staticPath('/srv/ui', '/assets/a.js')).toBe('/srv/ui/assets/a.js');
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/%2e%2e%2fpackage.json', '/assets/..%2f..%2fpackage.json', '//etc/../../passwd', '/index.html%00.js']) {
      expect(() => staticPath('/srv/ui', p), p).toThrow(/not found/);
    }
    // A backslash is an ordinary file-name character on Linux: the name stays inside.
    expect(staticPath('/srv/ui', '/..%5c..%5cx')).toBe('/srv/ui/..\\..\\x');
    expect(() => staticPath('/srv/ui', '/%E0%A4%A')).toThrow(/malformed/);
  });
});
