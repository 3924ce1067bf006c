import test from 'ava';
import { encodeRequest, HttpMessageError, ResponseParser, bodyText, type HttpResponse } from './http-message.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

function feed(parser: ResponseParser, text: string, piece = 3): HttpResponse | undefined {
  const data = bytes(text);
  for (let at = 0; at < data.length; at += piece) {
    const done = parser.push(data.subarray(at, at + piece));
    if (done) return done;
  }
  return undefined;
}

test('encodeRequest writes the request line, host, headers and a JSON body with its length', (t) => {
  const text = new TextDecoder().decode(encodeRequest({ method: 'POST', path: '/v1/activate', host: '127.0.0.1:8443', headers: { 'imago-fleet-protocol': '1' }, body: '{"a":"é"}' }));
  t.is(text, 'POST /v1/activate HTTP/1.1\r\nhost: 127.0.0.1:8443\r\nimago-fleet-protocol: 1\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n{"a":"é"}');
});

test('encodeRequest refuses a header value with a line break', (t) => {
  t.throws(() => encodeRequest({ method: 'GET', path: '/', host: 'h:1', headers: { x: 'a\r\ny: b' } }), { instanceOf: HttpMessageError, message: /request header "x"/ });
});

test('a Content-Length response fed three bytes at a time is complete exactly at its last byte', (t) => {
  const response = feed(new ResponseParser(), 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello');
  t.truthy(response);
  t.is(response!.status, 200);
  t.is(response!.headers.get('x-a'), '1');
  t.is(bodyText(response!), 'hello');
});

test('a chunked response with an extension and a trailer is joined', (t) => {
  const response = feed(new ResponseParser(), 'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nT: 1\r\n\r\n', 1);
  t.is(response!.status, 404);
  t.is(bodyText(response!), 'wikipedia');
});

test('a response without length ends when the server closes; a cut Content-Length body is an error', (t) => {
  const open = new ResponseParser();
  t.is(feed(open, 'HTTP/1.0 200 OK\r\n\r\nabc'), undefined);
  t.is(bodyText(open.end()), 'abc');
  const cut = new ResponseParser();
  feed(cut, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
  t.throws(() => cut.end(), { instanceOf: HttpMessageError, message: /in the middle of the body/ });
});

test('with onBody the body goes there piece by piece, in order, and the response holds none of it; the limit still counts', (t) => {
  const pieces: string[] = [];
  const onBody = (bytes: Uint8Array) => pieces.push(new TextDecoder().decode(bytes));
  const response = feed(new ResponseParser(undefined, onBody), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n', 2);
  t.is(response!.status, 200);
  t.is(response!.body.length, 0);
  t.is(pieces.join(''), 'wikipedia');
  t.true(pieces.length > 2, 'in pieces as they arrived');
  const limited = new ResponseParser({ maxHeaderBytes: 64, maxBodyBytes: 8 }, () => {});
  t.throws(() => feed(limited, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\naaaaa\r\n5\r\naaaaa\r\n'), { message: /response body: larger than 8/ });
});

test('limits: headers and bodies larger than allowed are refused by name', (t) => {
  const limits = { maxHeaderBytes: 64, maxBodyBytes: 8 };
  t.throws(() => feed(new ResponseParser(limits), `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(100)}\r\n\r\n`), { message: /response headers: longer than 64 bytes/ });
  t.throws(() => feed(new ResponseParser(limits), 'HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n'), { message: /content-length 9 is larger than 8/ });
  t.throws(() => feed(new ResponseParser(limits), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\naaaaa\r\n5\r\n'), { message: /response body: larger than 8/ });
});

test('a malformed status line, header or chunk size names what was expected', (t) => {
  t.throws(() => feed(new ResponseParser(), 'HTTP/2 200\r\n\r\n'), { message: /response status line: expected/ });
  t.throws(() => feed(new ResponseParser(), 'HTTP/1.1 200 OK\r\nno colon\r\n\r\n'), { message: /response header line/ });
  t.throws(() => feed(new ResponseParser(), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'), { message: /chunk size: expected hex/ });
});

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('fuzz: 10,000 random and mutated responses end in a response, a wait for more, or HttpMessageError, never anything else', (t) => {
  const next = random(12);
  const seeds = [
    'HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{"next":30}',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'HTTP/1.1 403 Forbidden\r\n\r\n{"error":"revoked"}',
  ];
  const alphabet = '0123456789abcdefHTP/.: \r\n;-chunkedlengtransfer';
  let responses = 0;
  let errors = 0;
  for (let round = 0; round < 10000; round++) {
    let text = seeds[round % seeds.length]!;
    const mutations = 1 + Math.floor(next() * 6);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(next() * (text.length + 1));
      const what = next();
      const char = alphabet[Math.floor(next() * alphabet.length)]!;
      if (what < 0.4) text = text.slice(0, at) + char + text.slice(at);
      else if (what < 0.8) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + text.slice(at + 1);
    }
    if (round % 10 === 0) text = Array.from({ length: Math.floor(next() * 200) }, () => String.fromCharCode(Math.floor(next() * 256))).join('');
    const parser = new ResponseParser({ maxHeaderBytes: 256, maxBodyBytes: 256 });
    try {
      const done = feed(parser, text, 1 + Math.floor(next() * 7)) ?? parser.end();
      t.true(done.status >= 200 && done.status <= 999);
      responses++;
    } catch (error) {
      if (!(error instanceof HttpMessageError)) t.fail(`round ${round}: ${String(error)} for ${JSON.stringify(text)}`);
      errors++;
    }
  }
  t.is(responses + errors, 10000);
  t.true(responses > 100 && errors > 100, `${responses} responses, ${errors} errors: the mutations should reach both`);
});
