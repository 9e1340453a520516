//! `described!`: a struct declaration that, with feature `describe`, also describes itself
//! (see `describe.rs`). Always compiled: the structs exist without the feature.

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
                $crate::describe::Ty::Record($crate::describe::Record {
                    name: stringify!($name),
                    doc: $crate::describe::doc(&[$(stringify!($meta)),*]),
                    fields: vec![$($crate::describe::Field {
                        name: stringify!($field),
                        ty: <$fty as $crate::describe::Describe>::ty(),
                        doc: $crate::describe::doc(&[$(stringify!($fmeta)),*]),
                        serialized: !$crate::describe::skipped(&[$(stringify!($fmeta)),*]),
                    }),*],
                })
            }
        }
    };
}
pub(crate) use described;
