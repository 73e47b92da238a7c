//! Maps: boundary files read once per build ([`Boundaries::load`]), their shapes matched to
//! places and projected for drawing.

mod geometry;
mod layer;
mod read;

pub use layer::{Boundaries, Layer, Shape};
