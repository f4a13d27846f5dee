//! A dense, row-major `f32` matrix: the one 2-D container the reference code returns.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A row-major `rows × cols` matrix of `f32`. Deserialising checks the shape.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedMatrix")]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

/// What the JSON says, before the shape is checked: a trace read back from the CLI's JSON
/// (or a fuzzer's bytes) cannot make a `Matrix` whose data disagrees with its shape.
#[derive(Deserialize)]
struct UncheckedMatrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl TryFrom<UncheckedMatrix> for Matrix {
    type Error = String;

    fn try_from(m: UncheckedMatrix) -> Result<Self, String> {
        let (rows, cols, len) = (m.rows, m.cols, m.data.len());
        Matrix::from_vec(rows, cols, m.data)
            .ok_or_else(|| format!("{rows}×{cols} matrix with {len} values"))
    }
}

impl Matrix {
    /// Wraps `data` (row-major). Returns `None` when `data.len() != rows * cols`.
    /// (`checked_mul`: a shape whose product overflows is refused, not wrapped.)
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Option<Self> {
        (rows.checked_mul(cols)? == data.len()).then_some(Self { rows, cols, data })
    }

    /// A matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The element at (`row`, `col`), or `None` outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> Option<f32> {
        (row < self.rows && col < self.cols).then(|| self.data[row * self.cols + col])
    }

    /// One row as a slice. Panics when `row >= rows` (an internal indexing bug, never user input).
    pub fn row(&self, row: usize) -> &[f32] {
        &self.data[row * self.cols..(row + 1) * self.cols]
    }

    /// All elements, row-major.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// All elements, row-major, for in-place element-wise updates.
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Smallest and largest element; `None` for an empty matrix.
    pub fn min_max(&self) -> Option<(f32, f32)> {
        let mut values = self.data.iter().copied();
        let first = values.next()?;
        Some(values.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
    }
}

impl fmt::Debug for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Matrix({}×{})", self.rows, self.cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vec_checks_the_shape() {
        assert!(Matrix::from_vec(2, 3, vec![0.0; 6]).is_some());
        assert!(Matrix::from_vec(2, 3, vec![0.0; 5]).is_none());
        assert!(Matrix::from_vec(usize::MAX, 2, vec![]).is_none());
    }

    #[test]
    fn get_row_and_min_max() {
        let m = Matrix::from_vec(2, 2, vec![1.0, -2.0, 3.5, 0.0]).unwrap();
        assert_eq!(m.get(1, 0), Some(3.5));
        assert_eq!(m.get(2, 0), None);
        assert_eq!(m.row(0), &[1.0, -2.0]);
        assert_eq!(m.min_max(), Some((-2.0, 3.5)));
        assert_eq!(Matrix::zeros(0, 4).min_max(), None);
    }
}
