//! `described!`: a struct declaration that, with feature `describe`, also describes itself
//! (see `describe.rs`). Always compiled: the structs exist without the feature.

/// A `describe::Record` from a name, its attributes and its fields with theirs. Exported
/// (hidden) for `smilepayz-interop`, which describes the batch answers it shapes.
#[cfg(feature = "describe")]
#[doc(hidden)]
#[macro_export]
macro_rules! __describe_record {
    ($name:ident [$($meta:meta)*] { $([$($fmeta:meta)*] $field:ident : $fty:ty),* }) => {
        $crate::describe::Record {
            name: stringify!($name),
            doc: $crate::describe::doc(&[$(stringify!($meta)),*]),
            fields: vec![$($crate::describe::Field {
                name: stringify!($field),
                ty: <$fty as $crate::describe::Describe>::ty(),
                doc: $crate::describe::doc(&[$(stringify!($fmeta)),*]),
                serialized: !$crate::describe::skipped(&[$(stringify!($fmeta)),*]),
            }),*],
        }
    };
}
#[cfg(feature = "describe")]
pub(crate) use crate::__describe_record as record;

/// Declares a struct with public fields and, with feature `describe`, its `describe::Describe`.
macro_rules! described {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* pub $field:ident : $fty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $fty,)*
        }

        #[cfg(feature = "describe")]
        impl $crate::describe::Describe for $name {
            fn ty() -> $crate::describe::Ty {
                $crate::describe::Ty::Record($crate::described::record!($name [$($meta)*] { $([$($fmeta)*] $field: $fty),* }))
            }
        }
    };
}
pub(crate) use described;

/// Declares an enum of struct-like variants and, with feature `describe`, a `variants()`
/// describing each one as a record (its Rust name, doc and fields) — for events, whose
/// serialised form is the variant's fields under a tag.
macro_rules! described_variants {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident {
                $($(#[$fmeta:meta])* $field:ident : $fty:ty),* $(,)?
            }),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant { $($(#[$fmeta])* $field: $fty,)* },)*
        }

        #[cfg(feature = "describe")]
        impl $name {
            /// Every variant as a record, in declaration order.
            pub fn variants() -> Vec<$crate::describe::Record> {
                vec![$($crate::described::record!($variant [$($vmeta)*] { $([$($fmeta)*] $field: $fty),* })),*]
            }
        }
    };
}
pub(crate) use described_variants;
