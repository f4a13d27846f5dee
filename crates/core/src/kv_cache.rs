//! What a causal stack keeps of its last forward, so that typing at the end of the text
//! computes only the new positions.
//!
//! ```text
//! Under the look-ahead mask, row i of every layer depends on the tokens 0..=i only:
//!   ids      = [t₀ … t_{p−1} | t_p … t_{T−1}]      p = the common prefix with the last ids
//!   layer ℓ:   Q, K, V of rows 0..p  ← kept;  rows p..T computed from the new inputs
//!              A[i][j] for i < p     ← kept (0 for j ≥ p: after the query)
//!              A[i][·] for i ≥ p     = softmax_{j ≤ i}(q_i·k_jᵀ/√d_k) over the kept and new keys
//!   hidden rows 0..p ← kept; rows p..T computed
//! ```
//!
//! An edit in the middle makes p the first changed token, so everything after it is
//! recomputed; other interventions (a masked token, a head off, the temperature) or an
//! inspected head start from scratch. `tests/decoder.rs` holds the cached forward equal to a
//! full forward over property-generated edits.

use crate::trace::Interventions;
use crate::Matrix;
use std::sync::Mutex;

/// A causal stack's last forward: its ids and interventions, every layer's [Q | K | V]
/// projection, every map and the final hidden state.
#[derive(Debug, Clone, PartialEq)]
pub struct KvCache {
    /// The token ids it was computed for.
    pub ids: Vec<u32>,
    /// The interventions it was computed with.
    pub interventions: Interventions,
    /// Per layer, the (T, 3d) projection [Q | K | V] of the layer's input.
    pub qkv: Vec<Matrix>,
    /// Every map, (L, H, T, T) row-major.
    pub weights: Vec<f32>,
    /// The final hidden state (T, d).
    pub hidden: Matrix,
}

impl KvCache {
    /// How many leading positions of a forward of `ids` under `iv` this cache already holds:
    /// the common prefix of the ids when nothing else changed, at most T − 1 (the last row
    /// is always computed, so a forward never has nothing to do), else 0.
    pub fn reusable(&self, ids: &[u32], iv: &Interventions) -> usize {
        if iv.inspect.is_some() || self.interventions != *iv {
            return 0;
        }
        let common = self.ids.iter().zip(ids).take_while(|(a, b)| a == b).count();
        common.min(ids.len().saturating_sub(1))
    }

    /// The first `p` rows of layer `l`'s projection.
    pub fn qkv_rows(&self, l: usize, p: usize) -> &[f32] {
        let m = &self.qkv[l];
        &m.as_slice()[..p * m.cols()]
    }

    /// Row `i` (< this cache's T) of map (`l`, `h`) of a stack with `heads` heads.
    pub fn map_row(&self, (l, h): (usize, usize), heads: usize, i: usize) -> &[f32] {
        let t = self.ids.len();
        let start = ((l * heads + h) * t + i) * t;
        &self.weights[start..start + t]
    }
}

/// A model's memory of its last forward, behind a lock so that `forward(&self)` can update
/// it. A clone starts empty and any two compare equal: it is a cache, not part of the model.
#[derive(Debug, Default)]
pub struct KvMemory(Mutex<Option<KvCache>>);

impl KvMemory {
    /// Takes the kept forward out (the memory is empty until [`KvMemory::keep`]).
    pub fn take(&self) -> Option<KvCache> {
        self.0.lock().map(|mut kept| kept.take()).unwrap_or(None)
    }

    /// Keeps `cache` for the next forward.
    pub fn keep(&self, cache: KvCache) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some(cache);
        }
    }
}

impl Clone for KvMemory {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for KvMemory {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
