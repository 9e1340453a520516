//! The native addon behind the `smilepayz` Node package.
