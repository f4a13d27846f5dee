//! The playground's matrices as the reader typed them: text per cell, parsed and checked
//! (pure, unit-tested natively).

use attnscope_core::Matrix;

/// Largest magnitude a cell may hold: beyond it products and exponentials stop meaning
/// anything on a slide (and 1e30·1e30 overflows f32).
pub const CELL_LIMIT: f32 = 1000.0;

/// A matrix of cell texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    /// Rows of cell texts.
    pub rows: Vec<Vec<String>>,
}

/// Why a cell's text is not a usable number.
pub fn cell_problem(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Some("empty: type a number");
    }
    match text.replace('−', "-").parse::<f32>() {
        Err(_) => Some("not a number"),
        Ok(v) if !v.is_finite() => Some("not a finite number"),
        Ok(v) if v.abs() > CELL_LIMIT => Some("too large: at most ±1000"),
        Ok(_) => None,
    }
}

impl Cells {
    /// Cells holding `matrix`'s values, rounded for display.
    pub fn from_matrix(matrix: &Matrix) -> Self {
        Self {
            rows: (0..matrix.rows())
                .map(|r| matrix.row(r).iter().map(|v| format_cell(*v)).collect())
                .collect(),
        }
    }

    /// `rows × cols` cells of `value`.
    pub fn filled(rows: usize, cols: usize, value: f32) -> Self {
        Self {
            rows: vec![vec![format_cell(value); cols]; rows],
        }
    }

    /// Rows and columns.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows.len(), self.rows.first().map_or(0, Vec::len))
    }

    /// The same cells cut or padded (with 0) to `rows × cols`.
    pub fn resized(&self, rows: usize, cols: usize) -> Self {
        let zero = || "0".to_owned();
        Self {
            rows: (0..rows)
                .map(|r| {
                    (0..cols)
                        .map(|c| {
                            self.rows
                                .get(r)
                                .and_then(|row| row.get(c))
                                .cloned()
                                .unwrap_or_else(zero)
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// The matrix, or the positions of the cells that are not usable numbers.
    pub fn parse(&self) -> Result<Matrix, Vec<(usize, usize)>> {
        let (rows, cols) = self.shape();
        let mut bad = Vec::new();
        let mut data = Vec::with_capacity(rows * cols);
        for (r, row) in self.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                match cell_problem(text) {
                    None => data.push(text.trim().replace('−', "-").parse::<f32>().unwrap_or(0.0)),
                    Some(_) => bad.push((r, c)),
                }
            }
        }
        if bad.is_empty() {
            Matrix::from_vec(rows, cols, data).ok_or_else(Vec::new)
        } else {
            Err(bad)
        }
    }
}

/// A number as a cell shows it: up to three decimals, no trailing zeros.
pub fn format_cell(value: f32) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_and_name_their_problems() {
        let cells = Cells {
            rows: vec![
                vec!["1".into(), " -0.5 ".into(), "−2".into()],
                vec!["".into(), "abc".into(), "1e30".into()],
                vec!["NaN".into(), "inf".into(), "3".into()],
            ],
        };
        assert_eq!(
            cells.parse().unwrap_err(),
            vec![(1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]
        );
        assert_eq!(cell_problem("1e30"), Some("too large: at most ±1000"));
        assert_eq!(cell_problem("NaN"), Some("not a finite number"));
        let good = cells.resized(1, 3).parse().unwrap();
        assert_eq!(good.row(0), &[1.0, -0.5, -2.0]);
        assert_eq!(cells.resized(2, 4).shape(), (2, 4));
        assert_eq!(format_cell(0.25), "0.25");
        assert_eq!(format_cell(-0.0), "0");
    }
}
