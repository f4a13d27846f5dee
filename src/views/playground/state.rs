//! The playground's edits: every control sends an [`Edit`], and the reducer applies it to the
//! settings, keeping the shapes consistent (K and V share their rows, the additive weights
//! follow the head width, padding never names a key that no longer exists).

use super::cells::Cells;
use super::settings::{MaskKind, Playground, Score};
use std::rc::Rc;
use yew::prelude::*;

/// What the reader can do.
pub enum Edit {
    /// A cell of Q, K, V, W_q, W_k or v.
    Cell(char, usize, usize, String),
    /// A matrix size: 'n' queries, 'm' keys, 'd' width, 'e' value width.
    Size(char, usize),
    /// The score function.
    Score(Score),
    /// The mask.
    Mask(MaskKind),
    /// Padding on or off at a key position.
    TogglePad(usize),
    /// Heads.
    Heads(usize),
    /// Temperature text.
    Temperature(String),
    /// A preset: "example" or "random".
    Preset(&'static str),
    /// Q, K, V copied from a live sentence.
    Copied(Cells, Cells, Cells),
}

impl Reducible for Playground {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut s = (*self).clone();
        match edit {
            Edit::Cell(which, r, c, text) => {
                let cells = match which {
                    'q' => &mut s.q,
                    'k' => &mut s.k,
                    'v' => &mut s.v,
                    'a' => &mut s.w_q,
                    'b' => &mut s.w_k,
                    _ => &mut s.w_v,
                };
                if let Some(cell) = cells.rows.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *cell = text;
                }
            }
            Edit::Size(which, size) => {
                let size = size.clamp(2, 8);
                let ((n, d), (m, e)) = (s.q.shape(), s.v.shape());
                let (n, m, d, e) = match which {
                    'n' => (size, m, d, e),
                    'm' => (n, size, d, e),
                    'd' => (n, m, size, e),
                    _ => (n, m, d, size),
                };
                s.q = s.q.resized(n, d);
                s.k = s.k.resized(m, d);
                s.v = s.v.resized(m, e);
                s.padded.retain(|&p| p < m);
            }
            Edit::Score(score) => s.score = score,
            Edit::Mask(mask) => s.mask = mask,
            Edit::TogglePad(p) => match s.padded.iter().position(|&x| x == p) {
                Some(i) => {
                    s.padded.remove(i);
                }
                None => s.padded.push(p),
            },
            Edit::Heads(h) => s.heads = h,
            Edit::Temperature(t) => s.temperature = t,
            Edit::Preset("random") => s.randomise(),
            Edit::Preset(_) => {
                let example = Playground::example();
                (s.q, s.k, s.v) = (example.q, example.k, example.v);
            }
            Edit::Copied(q, k, v) => (s.q, s.k, s.v) = (q, k, v),
        }
        s.fit_additive();
        Rc::new(s)
    }
}
