//! The playground's starting points: the source documents' hand-made example and random
//! matrices (pure).

use super::cells::Cells;
use attnscope_core::Matrix;

/// Q = I₄, K = I₄ with its rows reversed, V = 0: each query matches the mirrored key.
pub fn source_example() -> (Cells, Cells, Cells) {
    let identity = |reversed: bool| {
        let mut data = vec![0.0; 16];
        for i in 0..4 {
            data[i * 4 + if reversed { 3 - i } else { i }] = 1.0;
        }
        Cells::from_matrix(&Matrix::from_vec(4, 4, data).expect("4 × 4"))
    };
    (identity(false), identity(true), Cells::filled(4, 4, 0.0))
}

/// Values in −1..1 with two decimals from a seed (SplitMix64), for `rows × cols`.
pub fn random(seed: u64, rows: usize, cols: usize) -> Cells {
    let mut state = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let data: Vec<f32> = (0..rows * cols)
        .map(|_| ((next() % 201) as f32 - 100.0) / 100.0)
        .collect();
    Cells::from_matrix(&Matrix::from_vec(rows, cols, data).expect("rows × cols"))
}

/// The first `rows × cols` values of `matrix`, rounded as cells.
pub fn corner(matrix: &Matrix, rows: usize, cols: usize) -> Cells {
    let (rows, cols) = (rows.min(matrix.rows()), cols.min(matrix.cols()));
    let data = (0..rows)
        .flat_map(|r| matrix.row(r)[..cols].to_vec())
        .collect();
    Cells::from_matrix(&Matrix::from_vec(rows, cols, data).expect("corner"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_their_shapes() {
        let (q, k, v) = source_example();
        assert_eq!(q.rows[0], vec!["1", "0", "0", "0"]);
        assert_eq!(k.rows[0], vec!["0", "0", "0", "1"]);
        assert_eq!(v.shape(), (4, 4));
        let r = random(7, 3, 5);
        assert_eq!(r.shape(), (3, 5));
        assert_eq!(r, random(7, 3, 5));
        assert_ne!(r, random(8, 3, 5));
        assert!(r.parse().unwrap().as_slice().iter().all(|v| v.abs() <= 1.0));
    }
}
