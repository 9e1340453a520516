'use strict';
// Shapes callback inputs for the addon: header containers become [name, value] pairs
// (duplicates kept, so the core can refuse them) and bodies become bytes. No header is
// interpreted here.

/**
 * Pairs from a Node `IncomingHttpHeaders` (values string | string[]), a Fetch `Headers`,
 * a `Map`, an array of `[name, value]` pairs, Node's flat `rawHeaders`, or an object.
 */
function headerPairs(headers) {
  const pairs = [];
  const push = (name, value) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (const v of value) pairs.push([String(name), String(v)]);
    } else {
      pairs.push([String(name), String(value)]);
    }
  };
  if (headers === undefined || headers === null) return pairs;
  if (Array.isArray(headers)) {
    if (headers.every((h) => Array.isArray(h))) {
      for (const [name, value] of headers) push(name, value);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) push(headers[i], headers[i + 1]);
    }
    return pairs;
  }
  if (typeof headers !== 'object') {
    throw new TypeError('headers must be an object, a Headers, a Map or an array of [name, value] pairs');
  }
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    // Fetch `Headers` and `Map`.
    headers.forEach((value, name) => push(name, value));
    return pairs;
  }
  for (const name of Object.keys(headers)) push(name, headers[name]);
  return pairs;
}

/** The raw body as bytes: a Buffer or Uint8Array as is, a string as UTF-8. */
function bodyBytes(body) {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(
    'body must be the raw request body (Buffer, Uint8Array or string), e.g. from express.raw(); ' +
      'a parsed JSON object cannot be verified',
  );
}

module.exports = { headerPairs, bodyBytes };
