'use strict';
// The base of the SDK's error classes (the classes themselves are generated into
// errors.js): the fields a native error carries, as properties.

class SmilepayzError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = new.target.name;
    const { message: _message, ...rest } = fields;
    Object.assign(this, rest);
  }
}

module.exports = { SmilepayzError };
