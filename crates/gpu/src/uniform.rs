//! Kernel uniforms as Rust types. Every `.wgsl` kernel reads one `struct Params` uniform; its
//! Rust module declares the same struct with [`uniform_params!`], field for field and in the
//! same order, so a plan writes `attention::Params { t, dk, scale, .. }` instead of a bare
//! array of words that a reader would have to line up with the shader by hand.
//!
//! Why a macro: it records each field's name and byte offset ([`Uniform::FIELDS`]), which the
//! layout test (`tests/uniform_layout.rs`) compares with naga's layout of the WGSL struct. A
//! field renamed, reordered or widened on one side only fails that test instead of reaching
//! the GPU as silently wrong values.

/// Bytes every planned step writes to its uniform buffer (see [`crate::plan::Steps`]).
pub const UNIFORM_BYTES: usize = 32;

/// The words a step writes into its uniform buffer: a [`Uniform`]'s bytes, zero-filled.
pub type Words = [u32; UNIFORM_BYTES / 4];

/// A Rust mirror of a kernel's WGSL `Params` struct.
pub trait Uniform: bytemuck::Pod {
    /// The WGSL struct's members as (name, byte offset), in declaration order.
    const FIELDS: &'static [(&'static str, usize)];

    /// The struct's bytes as the words of a uniform buffer (the rest zero).
    fn words(&self) -> Words {
        // Every step's uniform buffer is 32 bytes; a smaller `Params` fills the start and
        // the rest stays zero (the WGSL struct never reads it).
        let bytes = bytemuck::bytes_of(self);
        assert!(bytes.len() <= UNIFORM_BYTES, "a uniform fits 32 bytes");
        let mut words = [0u32; UNIFORM_BYTES / 4];
        bytemuck::cast_slice_mut::<u32, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        words
    }
}

/// Declares a kernel's `Params` (all fields `pub`, `#[repr(C)]`, `Pod`) and its
/// [`Uniform::FIELDS`]. Write the fields exactly as the WGSL struct names them, padding
/// included; build values with `Params { a, b, ..Params::zeroed() }` so padding stays 0.
#[macro_export]
macro_rules! uniform_params {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[repr(C)]
        #[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl $crate::uniform::Uniform for $name {
            const FIELDS: &'static [(&'static str, usize)] =
                &[$((stringify!($field), std::mem::offset_of!($name, $field))),*];
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Uniform;
    use bytemuck::Zeroable;

    crate::uniform_params! {
        /// A test struct.
        pub struct Example {
            /// A count.
            t: u32,
            /// A factor.
            scale: f32,
        }
    }

    #[test]
    fn words_are_the_fields_in_order_then_zeros() {
        let p = Example {
            scale: 0.5,
            ..Example::zeroed()
        };
        assert_eq!(p.words(), [0, 0.5f32.to_bits(), 0, 0, 0, 0, 0, 0]);
        assert_eq!(Example::FIELDS, &[("t", 0), ("scale", 4)]);
    }
}
