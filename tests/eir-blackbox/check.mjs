#!/usr/bin/env node
// Black-box conformance check of an N5g-eir endpoint (3GPP TS 29.511 GET /equipment-status).
// It knows nothing of the server but its addresses and an operator credential: it sends probes over
// HTTP/1.1 and over cleartext HTTP/2 with prior knowledge (h2c), and validates every answer against the
// operation's responses in the official OpenAPI documents (Rel-18 and Rel-17, bundled with TS 29.571) with
// openapi-response-validator, plus TS 29.500 rules a schema cannot express. Usage: node check.mjs --help
// (docs/eir.md, "The black-box check").

import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomInt } from 'node:crypto';
import OpenAPIResponseValidator from 'openapi-response-validator';

const Validator = OpenAPIResponseValidator.default ?? OpenAPIResponseValidator;
const here = path.dirname(fileURLToPath(import.meta.url));

// ---- arguments -------------------------------------------------------------------------------------
function parseArgs(argv) {
    const args = {
        bundles: path.join(here, '..', 'DeviceRegistry.Tests', 'Eir', '3gpp'),
        timeoutMs: 10000,
    };
    for (let i = 0; i < argv.length; i++) {
        const name = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) usage(`${name} needs a value`);
            return argv[++i];
        };
        switch (name) {
            case '--http': args.http = value(); break;
            case '--h2c': args.h2c = value(); break;
            case '--secret': args.secret = value(); break;
            case '--bundles': args.bundles = value(); break;
            case '--registered': args.registered = value(); break;
            case '--stolen': args.stolen = value(); break;
            case '--greylisted': args.greylisted = value(); break;
            case '--home-supi': args.homeSupi = value(); break;
            case '--roaming-supi': args.roamingSupi = value(); break;
            case '--timeout-ms': args.timeoutMs = Number(value()); break;
            case '--skip-flood': args.skipFlood = true; break;
            case '-h': case '--help': usage(); break;
            default: usage(`unknown argument ${name}`);
        }
    }
    args.secret ??= process.env.EIR_SECRET;
    if (!args.http && !args.h2c) usage('give --http and/or --h2c');
    if (!args.secret) usage('give --secret (or EIR_SECRET): an operator credential');
    return args;
}

function usage(error) {
    const text = `usage: node check.mjs --http http://127.0.0.1:5080 --h2c http://127.0.0.1:5081 --secret SECRET
         [--registered imei-…] [--stolen imei-…] [--greylisted imei-…]
         [--home-supi imsi-400…] [--roaming-supi imsi-310…] [--bundles DIR] [--timeout-ms N] [--skip-flood]
  --http      the host's HTTP/1.1 listener (the API root /n5g-eir-eic/v1 is appended)
  --h2c       its cleartext HTTP/2 (prior knowledge) listener
  --secret    an operator's bearer credential (or the environment variable EIR_SECRET)
  --registered, --stolen, --greylisted  PEIs whose answer is known to be WHITELISTED, BLACKLISTED, GREYLISTED
              (with --home-supi); without them the states come from PEIs any EIR with default policy answers so
  --skip-flood  leave out the last probe: up to 200 forged credentials until the EIR answers 429 (which may
              keep this address out for a minute)
  --bundles   folder holding n5g-eir.Rel-18.bundle.json and n5g-eir.Rel-17.bundle.json
exit code: 0 every answer conforms, 1 a non-conforming answer, 2 usage or set-up error`;
    if (error) {
        console.error(`error: ${error}\n${text}`);
        process.exit(2);
    }
    console.log(text);
    process.exit(0);
}

// ---- the specifications ----------------------------------------------------------------------------
// TS 29.500 Table 5.2.7.2-1 (protocol and common application errors, Rel-17/Rel-18): the causes each HTTP
// status may carry, plus the N5g-eir application error of TS 29.511 Table 6.1.7.3-1. A status absent here
// (401, 405, 406, 414, 431, …) has no cause in the table: a cause there is not conforming.
const CausesByStatus = {
    400: ['INVALID_API', 'INVALID_MSG_FORMAT', 'INVALID_QUERY_PARAM', 'MANDATORY_QUERY_PARAM_INCORRECT',
        'OPTIONAL_QUERY_PARAM_INCORRECT', 'MANDATORY_QUERY_PARAM_MISSING', 'MANDATORY_IE_INCORRECT',
        'OPTIONAL_IE_INCORRECT', 'MANDATORY_IE_MISSING', 'UNSPECIFIED_MSG_FAILURE', 'RESOURCE_CONTEXT_NOT_FOUND',
        'INVALID_DISCOVERY_PARAM'],
    403: ['MODIFICATION_NOT_ALLOWED', 'CCA_VERIFICATION_FAILURE', 'TOKEN_CCA_MISMATCH', 'ACCESS_TOKEN_DENIED',
        'UNSUPPORTED_RESOURCE_URI'],
    404: ['SUBSCRIPTION_NOT_FOUND', 'RESOURCE_URI_STRUCTURE_NOT_FOUND', 'ERROR_EQUIPMENT_UNKNOWN'],
    411: ['INCORRECT_LENGTH'],
    429: ['NF_CONGESTION_RISK'],
    500: ['INSUFFICIENT_RESOURCES', 'UNSPECIFIED_NF_FAILURE', 'SYSTEM_FAILURE', 'NF_FAILOVER', 'NF_SERVICE_FAILOVER'],
    503: ['NF_CONGESTION', 'NF_SERVICE_CONGESTION'],
    504: ['TARGET_NF_NOT_REACHABLE', 'TIMED_OUT_REQUEST'],
};
const QueryParameters = ['pei', 'supi', 'gpsi', 'supported-features'];
const StatusWords = ['WHITELISTED', 'BLACKLISTED', 'GREYLISTED'];

function loadBundle(folder, release) {
    const file = path.join(folder, `n5g-eir.${release}.bundle.json`);
    let doc;
    try {
        doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
        console.error(`error: cannot read ${file}: ${e.message}`);
        process.exit(2);
    }
    const operation = doc.paths?.['/equipment-status']?.get;
    if (!operation) {
        console.error(`error: ${file} has no GET /equipment-status`);
        process.exit(2);
    }
    const root = new URL(doc.servers[0].url.replace('{apiRoot}', 'https://x')).pathname;
    const resolve = (r) => {
        let seen = 0;
        while (r && r.$ref && seen++ < 10) {
            const parts = r.$ref.replace(/^#\//, '').split('/');
            r = parts.reduce((o, p) => o?.[p], doc);
        }
        return r;
    };
    const responses = {};
    for (const [code, response] of Object.entries(operation.responses)) responses[code] = resolve(response);
    const components = { schemas: doc.components.schemas };
    const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/TS29571_CommonData.ProblemDetails' } } } };
    return {
        release,
        root,
        responses,
        validator: new Validator({ responses, components }),
        // A response the document gives no content (406, default): TS 29.500 clause 5.2.7.1 says 4xx/5xx
        // answers carry ProblemDetails, so such a body is checked as ProblemDetails.
        problemValidator: new Validator({ responses: { default: problem }, components }),
    };
}

// ---- transports --------------------------------------------------------------------------------------
function viaHttp1(base, probe, timeoutMs) {
    return new Promise((resolve) => {
        const url = new URL(base);
        const request = http.request({
            host: url.hostname, port: url.port, method: probe.method ?? 'GET', path: probe.target,
            headers: probe.headers, agent: false, timeout: timeoutMs,
        }, (response) => {
            const chunks = [];
            response.on('data', (c) => chunks.push(c));
            response.on('end', () => resolve({
                status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'),
            }));
        });
        request.on('timeout', () => request.destroy(new Error('timed out')));
        request.on('error', (e) => resolve({ error: e.message }));
        request.end();
    });
}

function viaH2c(session, probe, timeoutMs) {
    return new Promise((resolve) => {
        const headers = { ':method': probe.method ?? 'GET', ':path': probe.target, ...lower(probe.headers) };
        let stream;
        try {
            stream = session.request(headers, { endStream: true });
        } catch (e) {
            resolve({ error: e.message });
            return;
        }
        const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
        let responseHeaders = {};
        const chunks = [];
        stream.on('response', (h) => { responseHeaders = h; });
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
            clearTimeout(timer);
            resolve({ status: responseHeaders[':status'], headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') });
        });
        stream.on('error', (e) => { clearTimeout(timer); resolve({ error: e.message }); });
        stream.on('close', () => {
            clearTimeout(timer);
            if (responseHeaders[':status'] === undefined) resolve({ error: `stream closed (code ${stream.rstCode})` });
        });
    });
}

// Bytes written as they are to a raw TCP socket (for requests no HTTP client would send).
function viaSocket(base, bytes, timeoutMs) {
    return new Promise((resolve) => {
        const url = new URL(base);
        const socket = net.connect({ host: url.hostname, port: Number(url.port) });
        const chunks = [];
        socket.setTimeout(timeoutMs, () => socket.destroy());
        socket.on('connect', () => socket.write(bytes));
        socket.on('data', (c) => chunks.push(c));
        socket.on('error', () => {});
        socket.on('close', () => resolve(parseRawResponse(Buffer.concat(chunks))));
    });
}

function parseRawResponse(buffer) {
    const text = buffer.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return { error: buffer.length ? `not an HTTP/1.1 response: ${JSON.stringify(text.slice(0, 80))}` : 'the connection closed with no answer' };
    const lines = text.slice(0, end).split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!match) return { error: `not an HTTP/1.1 status line: ${JSON.stringify(lines[0])}` };
    const headers = {};
    for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let body = buffer.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        const parts = [];
        let rest = body;
        for (;;) {
            const lineEnd = rest.indexOf('\r\n');
            const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
            if (!(size > 0)) break;
            parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
            rest = rest.subarray(lineEnd + 2 + size + 2);
        }
        body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
        body = body.subarray(0, Number(headers['content-length']));
    }
    return { status: Number(match[1]), headers, body: body.toString('utf8') };
}

function lower(headers) {
    const result = {};
    for (const [k, v] of Object.entries(headers ?? {})) result[k.toLowerCase()] = v;
    return result;
}

// ---- the probes --------------------------------------------------------------------------------------
function randomImei(tac = '35') {
    let digits = tac;
    while (digits.length < 14) digits += randomInt(10);
    return digits;
}

function withCheckDigit(fourteen) {
    let sum = 0;
    for (let i = 0; i < 14; i++) {
        let d = Number(fourteen[13 - i]);
        if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
        sum += d;
    }
    return fourteen + ((10 - (sum % 10)) % 10);
}

function buildProbes(args, root) {
    const status = `${root}/equipment-status`;
    const auth = { Authorization: `Bearer ${args.secret}` };
    const home = args.homeSupi ?? `imsi-40001${randomImei('').slice(0, 10)}`;
    const roaming = args.roamingSupi ?? 'imsi-310150123456789';
    // Without given PEIs: default policy whitelists a roaming SIM, blacklists a junk number (all one digit)
    // and greylists a first sighting with a home SIM; a PEI never seen, checked without a SUPI, is unknown.
    const white = args.registered ?? `imei-${withCheckDigit(randomImei())}`;
    const whiteSupi = args.registered ? home : roaming;
    const black = args.stolen ?? 'imei-111111111111111';
    const grey = args.greylisted ?? `imei-${withCheckDigit(randomImei())}`;
    const unseen = `imei-${withCheckDigit(randomImei())}`;
    const imei = white;
    const q = (query) => `${status}?${query}`;
    const get = (name, query, expect, extra = {}) => ({ name, target: q(query), headers: { ...auth, ...(extra.headers ?? {}) }, expect, ...extra.probe });
    const ok = (word) => ({ status: 200, word });
    const bad = (cause, ...params) => ({ status: 400, cause, params });
    const sv = `imeisv-${imei.slice(5, 19)}01`;

    const probes = [
        // every equipment state, each identifier kind
        get('whitelisted', `pei=${white}&supi=${whiteSupi}`, ok('WHITELISTED')),
        get('blacklisted', `pei=${black}&supi=${home}`, ok('BLACKLISTED')),
        get('greylisted', `pei=${grey}&supi=${home}`, ok('GREYLISTED')),
        get('pei imeisv', `pei=${sv}&supi=${whiteSupi}`, ok('WHITELISTED')),
        get('gpsi msisdn', `pei=${imei}&supi=${whiteSupi}&gpsi=msisdn-994501234567`, ok('WHITELISTED')),
        get('gpsi extid', `pei=${imei}&supi=${whiteSupi}&gpsi=extid-user%40example.com`, ok('WHITELISTED')),
        get('supi nai', `pei=${black}&supi=nai-user%40example.com`, ok('BLACKLISTED')),
        get('supi gci', `pei=${black}&supi=gci-abc`, ok('BLACKLISTED')),
        get('supi gli', `pei=${black}&supi=gli-abc`, ok('BLACKLISTED')),
        get('supported-features empty', `pei=${imei}&supi=${whiteSupi}&supported-features=`, ok('WHITELISTED')),
        get('supported-features hex', `pei=${imei}&supi=${whiteSupi}&supported-features=1aF0`, ok('WHITELISTED')),
        get('percent-encoded name and value', `p%65i=${imei}&supi=${whiteSupi.replace('-', '%2D')}`, ok('WHITELISTED')),
        get('Accept application/json', `pei=${imei}&supi=${whiteSupi}`, ok('WHITELISTED'), { headers: { Accept: 'application/json' } }),
        get('Accept */*', `pei=${imei}&supi=${whiteSupi}`, ok('WHITELISTED'), { headers: { Accept: '*/*' } }),
        get('Accept application/*', `pei=${imei}&supi=${whiteSupi}`, ok('WHITELISTED'), { headers: { Accept: 'application/*' } }),
        get('Accept list with json', `pei=${imei}&supi=${whiteSupi}`, ok('WHITELISTED'), { headers: { Accept: 'text/html, application/json;q=0.5' } }),
        get('Accept json and problem+json', `pei=${imei}&supi=${whiteSupi}`, ok('WHITELISTED'), { headers: { Accept: 'application/json, application/problem+json' } }),
        // equipment the EIR does not know
        get('pei mac', 'pei=mac-00-11-22-AA-bb-55', { status: 404, cause: 'ERROR_EQUIPMENT_UNKNOWN' }),
        get('pei mac untrusted', 'pei=mac-00-11-22-33-44-55-untrusted', { status: 404, cause: 'ERROR_EQUIPMENT_UNKNOWN' }),
        get('pei eui-64', 'pei=eui-00-11-22-33-44-55-66-77', { status: 404, cause: 'ERROR_EQUIPMENT_UNKNOWN' }),
        get('pei never seen, no supi', `pei=${unseen}`, { status: 404, cause: 'ERROR_EQUIPMENT_UNKNOWN' }),
        // pei missing, empty, case variant
        { name: 'no query', target: status, headers: auth, expect: bad('MANDATORY_QUERY_PARAM_MISSING', 'query pei') },
        get('pei empty', 'pei=', bad('MANDATORY_QUERY_PARAM_MISSING', 'query pei')),
        get('pei without =', 'pei', bad('MANDATORY_QUERY_PARAM_MISSING', 'query pei')),
        get('only supi', `supi=${home}`, bad('MANDATORY_QUERY_PARAM_MISSING', 'query pei')),
        get('PEI (case variant)', `PEI=${imei}`, bad('MANDATORY_QUERY_PARAM_MISSING', 'query pei')),
        // pei malformed, over-long, repeated
        get('pei imei short', 'pei=imei-12345', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei imei 16 digits', 'pei=imei-4901542032375180', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei imei letter', 'pei=imei-49015420323751a', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei imeisv 15 digits', 'pei=imeisv-490154203237518', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei IMEI- prefix', 'pei=IMEI-490154203237518', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei bare digits', 'pei=490154203237518', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei mac short', 'pei=mac-00-11-22-33-44-5', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei eui short', 'pei=eui-00-11-22-33-44-55-66', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei over-long', `pei=imei-${'4'.repeat(500)}`, bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        get('pei repeated', `pei=${imei}&pei=${imei}`, bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei')),
        // parameters the API does not define
        get('unknown parameter', `pei=${imei}&foo=1`, bad('INVALID_QUERY_PARAM', 'query foo')),
        get('Supi (case variant)', `pei=${imei}&Supi=${home}`, bad('INVALID_QUERY_PARAM', 'query Supi')),
        // optional parameters malformed, empty, over-long, repeated
        get('supi imsi short', `pei=${imei}&supi=imsi-1234`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi imsi 16 digits', `pei=${imei}&supi=imsi-4000112345678901`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi empty', `pei=${imei}&supi=`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi nai empty', `pei=${imei}&supi=nai-`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi bare digits', `pei=${imei}&supi=400011234567890`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi over-long', `pei=${imei}&supi=imsi-${'4'.repeat(500)}`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('supi repeated', `pei=${imei}&supi=${home}&supi=${home}`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supi')),
        get('gpsi msisdn short', `pei=${imei}&gpsi=msisdn-12`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query gpsi')),
        get('gpsi extid no domain', `pei=${imei}&gpsi=extid-nodomain`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query gpsi')),
        get('gpsi empty', `pei=${imei}&gpsi=`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query gpsi')),
        get('gpsi repeated', `pei=${imei}&gpsi=msisdn-994501234567&gpsi=msisdn-994501234567`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query gpsi')),
        get('supported-features not hex', `pei=${imei}&supported-features=xyz`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supported-features')),
        get('supported-features repeated', `pei=${imei}&supported-features=1&supported-features=2`, bad('OPTIONAL_QUERY_PARAM_INCORRECT', 'query supported-features')),
        get('several faults', `pei=imei-123&foo=1&supi=imsi-1`, { status: 400, params: ['query pei', 'query foo', 'query supi'] }),
        // lengths
        get('20,000-character URI', `pei=${imei}&supi=${home}&gpsi=msisdn-${'9'.repeat(20000)}`, { status: 414 }),
        // credentials
        { name: 'no credential', target: q(`pei=${imei}`), headers: {}, expect: { status: 401, wwwAuthenticate: true } },
        { name: 'unknown bearer', target: q(`pei=${imei}`), headers: { Authorization: 'Bearer not-a-secret' }, expect: { status: 401, wwwAuthenticate: true } },
        { name: 'forged bearer naming operator 1', target: q(`pei=${imei}`), headers: { Authorization: `Bearer eir_1_${'A'.repeat(43)}` }, expect: { status: 401, wwwAuthenticate: true } },
        { name: 'basic credential', target: q(`pei=${imei}`), headers: { Authorization: 'Basic dXNlcjpwYXNz' }, expect: { status: 401, wwwAuthenticate: true } },
        { name: 'empty bearer', target: q(`pei=${imei}`), headers: { Authorization: 'Bearer ' }, expect: { status: 401, wwwAuthenticate: true } },
        // methods and paths
        { name: 'DELETE', method: 'DELETE', target: q(`pei=${imei}`), headers: auth, expect: { status: 405, allow: 'GET' } },
        { name: 'POST', method: 'POST', target: q(`pei=${imei}`), headers: auth, expect: { status: 405, allow: 'GET' } },
        { name: 'PUT', method: 'PUT', target: q(`pei=${imei}`), headers: auth, expect: { status: 405, allow: 'GET' } },
        { name: 'PATCH', method: 'PATCH', target: q(`pei=${imei}`), headers: auth, expect: { status: 405, allow: 'GET' } },
        { name: 'unknown resource', target: `${root}/nothing-here`, headers: auth, expect: { status: 404, cause: 'RESOURCE_URI_STRUCTURE_NOT_FOUND' } },
        { name: 'path below the resource', target: `${status}/extra?pei=${imei}`, headers: auth, expect: { status: 404, cause: 'RESOURCE_URI_STRUCTURE_NOT_FOUND' } },
        // Accept headers the API cannot satisfy (TS 29.500 Table 5.2.7.1-1: 406 is mandatory for GET)
        get('Accept text/html', `pei=${imei}&supi=${whiteSupi}`, { status: 406 }, { headers: { Accept: 'text/html' } }),
        get('Accept application/xml', `pei=${imei}&supi=${whiteSupi}`, { status: 406 }, { headers: { Accept: 'application/xml' } }),
        get('Accept problem+json only', `pei=${imei}&supi=${whiteSupi}`, { status: 406 }, { headers: { Accept: 'application/problem+json' } }),
        get('Accept json with q=0', `pei=${imei}&supi=${whiteSupi}`, { status: 406 }, { headers: { Accept: 'application/json;q=0, text/plain' } }),
        get('Accept text/html, bad query', 'pei=imei-1', bad('MANDATORY_QUERY_PARAM_INCORRECT', 'query pei'), { headers: { Accept: 'text/html' } }),
    ];
    const raw = [
        { name: 'bad request line', raw: 'GARBAGE\r\n\r\n', expect: { status: 400 } },
        { name: 'space in request target', raw: `GET ${status}?pei=imei 1 HTTP/1.1\r\nHost: x\r\n\r\n`, expect: { status: 400 } },
        { name: 'unknown HTTP version', raw: `GET ${status}?pei=${imei} HTTP/1.7\r\nHost: x\r\n\r\n`, expect: { status: [400, 505] } },
        { name: 'no Host header', raw: `GET ${status}?pei=${imei} HTTP/1.1\r\nAuthorization: Bearer ${args.secret}\r\n\r\n`, expect: { status: 400 } },
    ];
    return { probes, raw };
}

// ---- the checks --------------------------------------------------------------------------------------
function mediaType(headers) {
    return (headers?.['content-type'] ?? '').split(';')[0].trim().toLowerCase() || null;
}

function check(answer, probe, bundles) {
    const faults = [];
    if (answer.error) return [`no HTTP answer: ${answer.error}`];
    const { status } = answer;
    const expect = probe.expect;
    const wanted = Array.isArray(expect.status) ? expect.status : [expect.status];
    if (!wanted.includes(status)) faults.push(`status ${status}, expected ${wanted.join(' or ')}`);

    const type = mediaType(answer.headers);
    let body;
    if (answer.body.length > 0) {
        try { body = JSON.parse(answer.body); } catch { faults.push(`body is not JSON: ${JSON.stringify(answer.body.slice(0, 80))}`); }
    }

    for (const bundle of bundles) {
        const declared = bundle.responses[status] ?? bundle.responses[`${String(status)[0]}XX`];
        const content = declared?.content ? Object.keys(declared.content) : [];
        if (content.length > 0) {
            if (!content.includes(type)) faults.push(`${bundle.release}: content type ${type ?? '(none)'}, the document says ${content.join(', ')}`);
            const result = bundle.validator.validateResponse(status, body);
            if (result) faults.push(`${bundle.release}: ${result.errors.map((e) => `${e.path || 'body'} ${e.message}`).join('; ')}`);
        } else if (status >= 400) {
            // No content in the document for this status (406, or the "default" response): TS 29.500
            // clause 5.2.7.1 (errors carry ProblemDetails) and RFC 9457 (application/problem+json).
            if (type !== 'application/problem+json') faults.push(`${bundle.release}: ${status} without application/problem+json (got ${type ?? 'no content type'})`);
            const result = bundle.problemValidator.validateResponse(status, body ?? null);
            if (result) faults.push(`${bundle.release}: ProblemDetails: ${result.errors.map((e) => `${e.path || 'body'} ${e.message}`).join('; ')}`);
        } else if (!declared) {
            faults.push(`${bundle.release}: status ${status} is not among the operation's responses`);
        }
    }

    if (status === 200 && body) {
        if (type !== 'application/json') faults.push(`200 content type ${type}, expected application/json`);
        if (expect.word && body.status !== expect.word && StatusWords.includes(body.status)) faults.push(`status ${body.status}, expected ${expect.word}`);
    }

    if (status >= 400) {
        if (type !== 'application/problem+json') faults.push(`error content type ${type ?? '(none)'}, TS 29.500 asks application/problem+json`);
        if (body && typeof body === 'object') {
            if (body.status !== undefined && body.status !== status) faults.push(`ProblemDetails status ${body.status} differs from the HTTP status ${status}`);
            const allowed = CausesByStatus[status] ?? [];
            if (body.cause !== undefined && !allowed.includes(body.cause)) {
                faults.push(`cause ${body.cause} is not a ${status} cause of TS 29.500 Table 5.2.7.2-1${allowed.length ? ` (${allowed.join(', ')})` : ' (the table has none for it)'}`);
            }
            if (expect.cause && body.cause !== expect.cause) faults.push(`cause ${body.cause ?? '(none)'}, expected ${expect.cause}`);
            const names = Array.isArray(body.invalidParams) ? body.invalidParams.map((p) => p?.param) : [];
            for (const name of names) {
                // TS 29.571 InvalidParam.param: "query " + the name of the query parameter
                if (typeof name !== 'string' || !/^query [^ ]+$/.test(name)) faults.push(`invalidParams[].param ${JSON.stringify(name)} is not "query <name>"`);
            }
            for (const name of expect.params ?? []) {
                if (!names.includes(name)) faults.push(`invalidParams lacks ${JSON.stringify(name)} (has ${JSON.stringify(names)})`);
            }
            if (String(body.cause ?? '').includes('QUERY_PARAM') && names.length === 0) {
                faults.push(`${body.cause} without invalidParams naming the parameter`);
            }
        } else if (!body) {
            faults.push('error without a ProblemDetails body');
        }
    }

    if (expect.wwwAuthenticate && !/^bearer\b/i.test(String(answer.headers?.['www-authenticate'] ?? ''))) faults.push('401 without WWW-Authenticate: Bearer (RFC 6750)');
    if (expect.allow) {
        const allow = String(answer.headers?.allow ?? '').split(',').map((m) => m.trim().toUpperCase());
        if (!allow.includes(expect.allow)) faults.push(`405 without Allow: ${expect.allow} (RFC 9110 15.5.6)`);
    }
    return faults;
}

// ---- main ------------------------------------------------------------------------------------------
async function main() {
    const args = parseArgs(process.argv.slice(2));
    const bundles = ['Rel-18', 'Rel-17'].map((r) => loadBundle(args.bundles, r));
    const root = bundles[0].root;
    const { probes, raw } = buildProbes(args, root);
    let passed = 0;
    let failed = 0;
    const report = (transport, probe, answer) => {
        const faults = check(answer, probe, bundles);
        const got = answer.error ? 'no answer' : `${answer.status} ${mediaType(answer.headers) ?? '-'}${answer.body ? ` ${summary(answer.body)}` : ''}`;
        if (faults.length === 0) {
            passed++;
            console.log(`ok   ${transport.padEnd(8)} ${probe.name}: ${got}`);
        } else {
            failed++;
            console.log(`FAIL ${transport.padEnd(8)} ${probe.name}: ${got}\n       ${faults.join('\n       ')}`);
        }
    };

    if (args.http) {
        const base = args.http.replace(/\/$/, '');
        for (const probe of probes) report('http/1.1', probe, await viaHttp1(base, probe, args.timeoutMs));
        for (const probe of raw) report('http/1.1', probe, await viaSocket(base, probe.raw, args.timeoutMs));
    }

    if (args.h2c) {
        const base = args.h2c.replace(/\/$/, '');
        const session = http2.connect(base);
        session.on('error', () => {});
        await new Promise((resolve) => {
            session.once('connect', resolve);
            session.once('error', (e) => { console.error(`error: no h2c session with ${base}: ${e.message}`); process.exit(2); });
        });
        for (const probe of probes) {
            if (session.destroyed || session.closed) {
                report('h2c', probe, { error: 'the HTTP/2 connection was closed by an earlier probe' });
                continue;
            }
            report('h2c', probe, await viaH2c(session, probe, args.timeoutMs));
        }
        session.close();
        // An HTTP/1.1 request sent to the HTTP/2-only listener.
        const http1There = { name: 'HTTP/1.1 request to the h2c listener', expect: { status: [400, 505] } };
        report('h2c', http1There, await viaSocket(base, `GET ${root}/equipment-status?pei=imei-${withCheckDigit(randomImei())} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${args.secret}\r\n\r\n`, args.timeoutMs));
    }

    if (!args.skipFlood) {
        // Last, as it may lock this address out for a while: forged credentials until the EIR limits them
        // (a limit is not required; its 429 must conform).
        const probe = { name: 'failed-credential flood', target: `${root}/equipment-status?pei=imei-${withCheckDigit(randomImei())}`,
            headers: { Authorization: `Bearer eir_1_${'B'.repeat(43)}` }, expect: { status: [401, 429] } };
        const viaFlood = args.http ? (p) => viaHttp1(args.http.replace(/\/$/, ''), p, args.timeoutMs) : null;
        let answer;
        if (viaFlood) {
            for (let i = 0; i < 200; i++) {
                answer = await viaFlood(probe);
                if (answer.error || answer.status !== 401) break;
            }
            report('http/1.1', probe, answer);
        }
    }

    console.log(`eir-blackbox: ${passed + failed} probes, ${passed} conforming, ${failed} not conforming`);
    process.exit(failed === 0 ? 0 : 1);
}

function summary(body) {
    const flat = body.replace(/\s+/g, ' ');
    return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

main().catch((e) => {
    console.error(`error: ${e.stack ?? e}`);
    process.exit(2);
});
