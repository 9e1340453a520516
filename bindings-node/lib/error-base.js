'use strict';
// The base of the SDK's error classes and how each kind's class is made (the list of
// kinds is generated into error-classes.js).

class SmilepayzError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = new.target.name;
    const { message: _message, ...rest } = fields;
    Object.assign(this, rest);
  }
}

/** The class `name` of one kind (`['OutcomeUnknownError', 'outcome_unknown']`), with `kind` on it. */
function errorClass([name, kind]) {
  // A computed key names the class expression, as a declaration would.
  const Class = { [name]: class extends SmilepayzError {} }[name];
  Class.kind = kind;
  return Class;
}

module.exports = { SmilepayzError, errorClass };
