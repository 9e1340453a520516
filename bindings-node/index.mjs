// ES module entry: the same objects as the CommonJS entry (one native module loaded).
import smilepayz from './index.js';

export const {
  Client,
  CallbackVerifier,
  VerifiedCallback,
  verifyCallback,
  RequestSigner,
  isFinal,
  ACKNOWLEDGEMENT,
  SmilepayzError,
  ValidationError,
  ConfigError,
  ApiError,
  OutcomeUnknownError,
  TransportError,
  ProtocolError,
  SignatureError,
  CallbackMismatchError,
  StaleCallbackError,
  InternalError,
} = smilepayz;
export default smilepayz;
