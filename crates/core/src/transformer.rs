//! `TransformerEncoderClassifier`: a Transformer encoder with a classification head.
//!
//! ```text
//! X⁰ = E[ids]·(√d if scale_embedding) + PE[0..T]                       (T, d)
//!   (PE sinusoidal, or a learned table P[0..T]; then LN_emb(X⁰) where configured: BERT)
//! per layer ℓ, with h heads of width d_k = d/h:
//!   Q, K, V = X·W_qᵀ + b_q, X·W_kᵀ + b_k, X·W_vᵀ + b_v               (T, d) each (in_proj)
//!   S_j = Q_j·K_jᵀ / √d_k / temperature                                (T, T) per head j
//!   A_j = softmax over unmasked keys of S_j  (masked keys get exactly 0; with `causal`, the
//!         look-ahead mask too: query i sees keys j ≤ i only, A_j[i][j > i] = 0 exactly)
//!   H_j = A_j·V_j, zeroed if head j is switched off                    (T, d_k)
//!   MHA(X) = [H_1 … H_h]·W_oᵀ + b_o                                    (T, d)
//!   FF(X) = act(X·W_1ᵀ + b_1)·W_2ᵀ + b_2                              (T, d)
//!   post-norm: X = LN₁(X + MHA(X));  X = LN₂(X + FF(X))
//!   pre-norm:  X = X + MHA(LN₁(X));  X = X + FF(LN₂(X))
//! (an optional final LayerNorm), pooled = X[0] ([CLS]) or the mean over unmasked tokens,
//! logits = W_c·pooled + b_c, probabilities = softmax(logits)   (no classifier: no labels)
//! ```
//!
//! Hugging Face BERT-family checkpoints load into this same encoder (`crate::hf`).
//!
//! GPU twin: `attnscope_gpu::transformer` (the same steps as WGSL kernels, planned once at
//! load); `crates/gpu/tests/transformer_parity.rs` holds every map and score equal within
//! 1e-4. PyTorch holds this file to account: `crates/core/tests/golden.rs` within 1e-5.
//!
//! Weight names are those of PyTorch's modules: `embedding.weight`,
//! `layers.{ℓ}.self_attn.in_proj_weight`, `…in_proj_bias`, `…out_proj.{weight,bias}`,
//! `layers.{ℓ}.linear1/linear2/norm1/norm2.{weight,bias}`, `final_norm.*`, `classifier.*`.

use crate::activation::gelu_in_place;
use crate::config::{Activation, Pooling, Positions, TransformerConfig};
use crate::kv_cache::KvCache;
use crate::ops::{embed, gemm, masked_softmax, softmax, LayerNorm, Linear, View};
use crate::positional_encoding::{positional_encoding, PeParams};
use crate::trace::{Classification, HeadDetail, Interventions, SelfAttention};
use crate::weights::WeightStore;
use crate::{Matrix, ModelError};

/// One encoder layer's weights.
#[derive(Debug, Clone, PartialEq)]
struct EncoderLayer {
    in_proj: Linear,  // (3d, d)
    out_proj: Linear, // (d, d)
    linear1: Linear,  // (d_ff, d)
    linear2: Linear,  // (d, d_ff)
    norm1: LayerNorm,
    norm2: LayerNorm,
}

/// A loaded Transformer encoder classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerEncoderClassifier {
    /// Its hyper-parameters.
    pub config: TransformerConfig,
    embedding: Matrix,         // (V, d)
    positions: Option<Matrix>, // (max_len, d), learned positions only
    embedding_norm: Option<LayerNorm>,
    layers: Vec<EncoderLayer>,
    final_norm: Option<LayerNorm>,
    classifier: Option<Linear>, // (C, d); none for an encoder without labels
}

/// What one forward returns.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerOutput {
    /// Class scores and probabilities.
    pub classification: Classification,
    /// Every layer's and head's attention.
    pub attention: SelfAttention,
    /// The inspected head's intermediate steps, if one was asked for.
    pub detail: Option<Box<HeadDetail>>,
    /// The encoder's last hidden state (T, d), after the final norm if any.
    pub hidden: Matrix,
}

impl TransformerEncoderClassifier {
    /// Loads the weights `config` implies from a safetensors store.
    pub fn load(config: TransformerConfig, store: &WeightStore<'_>) -> Result<Self, ModelError> {
        let (d, ff, eps) = (config.d_model, config.d_ff, config.layer_norm_eps);
        let layers = (0..config.n_layers)
            .map(|l| {
                let p = format!("layers.{l}");
                Ok(EncoderLayer {
                    in_proj: Linear {
                        weight: store.matrix(&format!("{p}.self_attn.in_proj_weight"), 3 * d, d)?,
                        bias: Some(store.vector(&format!("{p}.self_attn.in_proj_bias"), 3 * d)?),
                    },
                    out_proj: Linear::load(store, &format!("{p}.self_attn.out_proj"), d, d, true)?,
                    linear1: Linear::load(store, &format!("{p}.linear1"), d, ff, true)?,
                    linear2: Linear::load(store, &format!("{p}.linear2"), ff, d, true)?,
                    norm1: LayerNorm::load(store, &format!("{p}.norm1"), d, eps)?,
                    norm2: LayerNorm::load(store, &format!("{p}.norm2"), d, eps)?,
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        Ok(Self {
            embedding: store.matrix("embedding.weight", config.vocab_size, d)?,
            positions: match config.positions {
                Positions::Learned => {
                    Some(store.matrix("position_embedding.weight", config.max_len, d)?)
                }
                Positions::Sinusoidal => None,
            },
            embedding_norm: if config.embedding_norm {
                Some(LayerNorm::load(store, "embedding_norm", d, eps)?)
            } else {
                None
            },
            final_norm: if config.final_norm {
                Some(LayerNorm::load(store, "final_norm", d, eps)?)
            } else {
                None
            },
            classifier: if config.labels.is_empty() {
                None
            } else {
                Some(Linear::load(
                    store,
                    "classifier",
                    d,
                    config.labels.len(),
                    true,
                )?)
            },
            layers,
            config,
        })
    }

    /// The token embedding E (V, d): a decoder's tied output layer reads it.
    pub fn embedding(&self) -> &Matrix {
        &self.embedding
    }

    /// Runs the encoder on `ids` (at most `max_len`; the caller truncates).
    pub fn forward(
        &self,
        ids: &[u32],
        interventions: &Interventions,
    ) -> Result<TransformerOutput, ModelError> {
        Ok(self.forward_from(ids, interventions, None)?.0)
    }

    /// Runs the stack on `ids` reusing what `kept` (an earlier forward of this causal stack)
    /// already holds: only the positions after the common prefix are computed
    /// ([`crate::kv_cache`]). Returns the output, what to keep for the next forward (a causal
    /// stack's only: a bidirectional encoder reuses nothing, as every row depends on every
    /// token, so it copies nothing either), and how many positions were reused.
    pub fn forward_from(
        &self,
        ids: &[u32],
        interventions: &Interventions,
        kept: Option<&KvCache>,
    ) -> Result<(TransformerOutput, Option<KvCache>, usize), ModelError> {
        let c = &self.config;
        let (t_len, h) = (ids.len(), c.n_heads);
        let kept = kept.filter(|_| c.causal);
        let p = kept.map_or(0, |k| k.reusable(ids, interventions));
        // The teaching views' first step (kept only when a head is inspected, never reused).
        let (mut x, sources) = self.input_rows(ids, p, interventions)?; // (T − p, d)
        let mut new_maps = Vec::with_capacity(c.n_layers); // per layer, per head, (T − p, T)
        let mut qkv_kept = Vec::with_capacity(c.n_layers);
        let mut detail: Option<HeadDetail> = None;
        for (l, layer) in self.layers.iter().enumerate() {
            let earlier = kept.filter(|_| p > 0).map_or(&[][..], |k| k.qkv_rows(l, p));
            let mut attend = |input: &Matrix, detail: &mut Option<HeadDetail>| {
                let rows = Rows { earlier, first: p };
                let (a, qkv, maps) = self.attention(l, layer, input, rows, interventions, detail);
                qkv_kept.push(qkv);
                new_maps.push(maps);
                a
            };
            if c.norm_first {
                let a = attend(&layer.norm1.forward(&x), &mut detail);
                x = zip_rows(&x, &a, |u, v| u + v);
                let f = self.feed_forward(layer, &layer.norm2.forward(&x));
                x = zip_rows(&x, &f, |u, v| u + v);
            } else {
                let a = attend(&x, &mut detail);
                x = layer.norm1.forward(&zip_rows(&x, &a, |u, v| u + v));
                let f = self.feed_forward(layer, &x);
                x = layer.norm2.forward(&zip_rows(&x, &f, |u, v| u + v));
            }
        }
        if let Some(norm) = &self.final_norm {
            x = norm.forward(&x);
        }
        if let (Some(detail), Some((embedded, positions))) = (detail.as_mut(), sources) {
            detail.embedded = embedded;
            detail.positions = positions;
            detail.learned_positions = self.positions.is_some();
            detail.embedding_norm = self.embedding_norm.is_some();
        }
        // Every layer's (H, T, T) maps in the views' order (`SelfAttention::map(layer, head)`,
        // the GPU's maps buffer's): the kept rows (zero after their query), then the new ones.
        let mut weights = vec![0f32; c.n_layers * h * t_len * t_len]; // (L, H, T, T)
        for (l, heads) in new_maps.iter().enumerate() {
            for (head, maps) in heads.iter().enumerate() {
                let start = (l * h + head) * t_len * t_len;
                let map = &mut weights[start..start + t_len * t_len];
                if let Some(kept) = kept.filter(|_| p > 0) {
                    for i in 0..p {
                        map[i * t_len..i * t_len + p]
                            .copy_from_slice(&kept.map_row((l, head), h, i)[..p]);
                    }
                }
                map[p * t_len..].copy_from_slice(maps);
            }
        }
        let hidden = match kept.filter(|_| p > 0) {
            Some(kept) => {
                let mut rows = kept.hidden.as_slice()[..p * c.d_model].to_vec();
                rows.extend_from_slice(x.as_slice());
                Matrix::from_vec(t_len, c.d_model, rows).expect("T·d")
            }
            None => x,
        };
        // Pool, classify: the only numbers a classifier's user sees besides the maps.
        let pooled = self.pool(&hidden, interventions); // (d)
        let logits = match &self.classifier {
            Some(classifier) => classifier.apply(&pooled),
            None => Vec::new(),
        };
        let cache = c.causal.then(|| KvCache {
            ids: ids.to_vec(),
            interventions: interventions.clone(),
            qkv: qkv_kept,
            weights: weights.clone(),
            hidden: hidden.clone(),
        });
        let output = TransformerOutput {
            classification: Classification {
                labels: c.labels.clone(),
                probabilities: softmax(&logits),
                logits,
            },
            hidden,
            attention: SelfAttention {
                layers: c.n_layers,
                heads: h,
                len: t_len,
                weights,
                causal: c.causal,
            },
            detail: detail.map(Box::new),
        };
        Ok((output, cache, p))
    }

    /// X⁰ = E[ids]·scale + PE for the positions `first..T` (the rows a forward computes),
    /// and — when a head is inspected — the scaled embedding and the positions apart.
    #[allow(clippy::type_complexity)]
    fn input_rows(
        &self,
        ids: &[u32],
        first: usize,
        iv: &Interventions,
    ) -> Result<(Matrix, Option<(Matrix, Matrix)>), ModelError> {
        let c = &self.config;
        let (t_len, d) = (ids.len(), c.d_model);
        let mut x = embed(&self.embedding, &ids[first..])?; // (T − first, d)
        let scale = if c.scale_embedding {
            (d as f32).sqrt()
        } else {
            1.0
        };
        if t_len == 0 {
            return Ok((x, None));
        }
        // The table is computed for exactly T positions, the same values the GPU engine
        // uploads once for max_len; a position's row does not depend on T.
        let pe = match &self.positions {
            Some(table) => Matrix::from_vec(
                t_len - first,
                d,
                table.as_slice()[first * d..t_len * d].to_vec(),
            )
            .expect("T·d"),
            None => {
                let params =
                    PeParams::new(t_len, d, c.pe_base).map_err(|e| ModelError::ConfigField {
                        field: "d_model",
                        reason: e.to_string(),
                    })?;
                let table = positional_encoding(&params);
                let rows = table.matrix().as_slice()[first * d..].to_vec();
                Matrix::from_vec(t_len - first, d, rows).expect("T·d")
            }
        };
        let sources = iv
            .inspect
            .is_some()
            .then(|| (zip_rows(&x, &x, |e, _| e * scale), pe.clone()));
        x = zip_rows(&x, &pe, |e, p| e * scale + p);
        if let Some(norm) = &self.embedding_norm {
            x = norm.forward(&x);
        }
        Ok((x, sources))
    }

    /// Multi-head self-attention of one layer for the new rows `x` (positions `rows.first`..),
    /// their queries against the kept keys and values and their own. Returns the layer's
    /// attention output (new rows × d), the whole (T, 3d) projection [Q | K | V] for the
    /// next forward, and each head's maps (new rows × T). Each head's Q_j, K_j, V_j are read
    /// in place from the projection.
    fn attention(
        &self,
        l: usize,
        layer: &EncoderLayer,
        x: &Matrix,
        rows: Rows<'_>,
        iv: &Interventions,
        detail: &mut Option<HeadDetail>,
    ) -> (Matrix, Matrix, Vec<Vec<f32>>) {
        let (n, d, h) = (x.rows(), self.config.d_model, self.config.n_heads);
        let dk = d / h;
        // One product for Q, K and V together (PyTorch's in_proj); each head then reads its
        // d_k columns of each in place through a strided view — no copies per head.
        let new_qkv = layer.in_proj.forward(x); // (T − first, 3d) = [Q | K | V]
        let qkv = if rows.earlier.is_empty() {
            new_qkv.clone()
        } else {
            let mut all = rows.earlier.to_vec();
            all.extend_from_slice(new_qkv.as_slice());
            Matrix::from_vec(rows.first + n, 3 * d, all).expect("T·3d")
        };
        let scale = 1.0 / ((dk as f32).sqrt() * iv.temperature());
        let mut concat = vec![0f32; n * d]; // (T − first, d)
        let mut heads = Vec::with_capacity(h);
        for head in 0..h {
            // A key is visible unless masked, and — under the look-ahead mask — unless it comes
            // after the query.
            let causal = self.config.causal;
            let visible = |i: usize, j: usize| !iv.is_masked(j) && (!causal || j <= i);
            let queries = (&new_qkv, rows.first);
            let (scores, mut maps) =
                head_weights_from(queries, &qkv, (d, dk), head, scale, visible);
            apply_edits(&mut maps, (l, head), (rows.first, qkv.rows()), iv, visible);
            if !iv.is_off(l, head) {
                add_head_output_from(&maps, &qkv, (d, dk), head, &mut concat);
            }
            // The teaching views' "how was this computed": every intermediate of the
            // inspected head, kept only when asked for (they cost copies; never reused, so
            // these are all T rows).
            if iv.inspect == Some((l, head)) {
                *detail = Some(inspect_head((l, head), &qkv, (d, dk), x, scores, scale));
            }
            heads.push(maps);
        }
        let concat = Matrix::from_vec(n, d, concat).expect("T·d");
        let projected = layer.out_proj.forward(&concat);
        if let Some(detail) = detail.as_mut().filter(|dt| dt.layer == l) {
            let head = detail.head;
            if !iv.is_off(l, head) {
                detail.output = columns(&concat, head * dk, dk);
            }
            detail.concat = concat;
            detail.projected = projected.clone();
        }
        (projected, qkv, heads)
    }

    /// FF(X) = act(X·W₁ᵀ + b₁)·W₂ᵀ + b₂, act = ReLU or exact GELU as configured.
    fn feed_forward(&self, layer: &EncoderLayer, x: &Matrix) -> Matrix {
        let mut hidden = layer.linear1.forward(x); // (T, d_ff)
        match self.config.activation {
            Activation::Relu => hidden
                .as_mut_slice()
                .iter_mut()
                .for_each(|v| *v = v.max(0.0)),
            Activation::Gelu => gelu_in_place(hidden.as_mut_slice()),
        }
        layer.linear2.forward(&hidden)
    }

    /// The vector the classifier reads: the first token's state ([CLS]) or the mean over
    /// the unmasked tokens (a masked token then changes the prediction, as a teacher expects).
    /// Summed in f64, as PyTorch's mean is exact to f32 rounding.
    fn pool(&self, x: &Matrix, iv: &Interventions) -> Vec<f32> {
        let d = self.config.d_model;
        if x.rows() == 0 {
            return vec![0.0; d];
        }
        match self.config.pooling {
            Pooling::Cls => x.row(0).to_vec(),
            Pooling::Mean => {
                let kept: Vec<usize> = (0..x.rows()).filter(|&t| !iv.is_masked(t)).collect();
                let mut sum = vec![0f64; d];
                for &t in &kept {
                    for (s, &v) in sum.iter_mut().zip(x.row(t)) {
                        *s += v as f64;
                    }
                }
                let n = kept.len().max(1) as f64;
                sum.into_iter().map(|s| (s / n) as f32).collect()
            }
        }
    }
}

/// The reader's edits of head (`l`, `h`) on its maps `maps` (new rows × `t_len` keys, the
/// first row at position `first`): each edit of a row in range whose key the query can see.
fn apply_edits(
    maps: &mut [f32],
    (l, h): (usize, usize),
    (first, t_len): (usize, usize),
    iv: &Interventions,
    visible: impl Fn(usize, usize) -> bool,
) {
    for edit in iv.edits.iter().filter(|e| (e.layer, e.head) == (l, h)) {
        let in_range = edit.query >= first && edit.query < t_len && edit.key < t_len;
        if !in_range || !visible(edit.query, edit.key) {
            continue;
        }
        let start = (edit.query - first) * t_len;
        edit.apply(&mut maps[start..start + t_len]);
    }
}

/// Where a forward's new rows start, and the kept [Q | K | V] rows before them.
#[derive(Clone, Copy)]
struct Rows<'a> {
    /// The kept rows, `first × 3d` values (empty for a full forward).
    earlier: &'a [f32],
    /// The position of the first new row.
    first: usize,
}

/// Element-wise f(a, b) of two matrices of one shape.
fn zip_rows(a: &Matrix, b: &Matrix, f: impl Fn(f32, f32) -> f32) -> Matrix {
    let data = a
        .as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(&x, &y)| f(x, y))
        .collect();
    Matrix::from_vec(a.rows(), a.cols(), data).expect("same shape")
}

/// The inspected head's numbers (the output, concatenation and projection are filled in
/// by the caller once every head has run).
fn inspect_head(
    (layer, head): (usize, usize),
    qkv: &Matrix,
    (d, dk): (usize, usize),
    input: &Matrix,
    scores: Vec<f32>,
    scale: f32,
) -> HeadDetail {
    let t_len = input.rows();
    let column = |which: usize| columns(qkv, which * d + head * dk, dk);
    let (q, k) = (column(0), column(1));
    let mut raw = Vec::with_capacity(t_len * t_len);
    for i in 0..t_len {
        for j in 0..t_len {
            raw.push(crate::ops::dot(q.row(i), k.row(j)));
        }
    }
    let empty = Matrix::zeros(0, 0);
    HeadDetail {
        layer,
        head,
        v: column(2),
        q,
        k,
        scores: Matrix::from_vec(t_len, t_len, scores).expect("T·T"),
        raw_scores: Matrix::from_vec(t_len, t_len, raw).expect("T·T"),
        scale,
        embedded: empty.clone(),
        positions: empty.clone(),
        input: input.clone(),
        output: Matrix::zeros(t_len, dk),
        concat: empty.clone(),
        projected: empty,
        learned_positions: false,
        embedding_norm: false,
    }
}

/// Columns `start..start + width` of every row.
fn columns(m: &Matrix, start: usize, width: usize) -> Matrix {
    let mut data = Vec::with_capacity(m.rows() * width);
    for t in 0..m.rows() {
        data.extend_from_slice(&m.row(t)[start..start + width]);
    }
    Matrix::from_vec(m.rows(), width, data).expect("T·width")
}

/// Head `head`'s d_k columns of Q (`which` 0), K (1) or V (2) in the (T, 3d) projection
/// [Q | K | V], read in place.
fn head_part(which: usize, head: usize, (d, dk): (usize, usize)) -> View {
    View {
        offset: which * d + head * dk,
        row_stride: 3 * d,
        col_stride: 1,
    }
}

/// One head's scores and weights from the (T, 3d) projection [Q | K | V] (d wide, heads
/// d_k wide): S = Q_h·K_hᵀ·`scale` and A = softmax of each row i of S over the keys j where
/// `visible(i, j)` (the others exactly 0), both (T × T) row-major. `scale` is 1/(√d_k·τ). The
/// CPU twin of `attention.wgsl` (held equal by the GPU crate's `attention_parity.rs`).
pub fn head_weights(
    qkv: &Matrix,
    (d, dk): (usize, usize),
    head: usize,
    scale: f32,
    visible: impl Fn(usize, usize) -> bool,
) -> (Vec<f32>, Vec<f32>) {
    head_weights_from((qkv, 0), qkv, (d, dk), head, scale, visible)
}

/// [`head_weights`] for the queries of `queries` (n rows of a (·, 3d) projection, the
/// positions `first..first + n`) against every key of `keys` (T, 3d): S and A are (n × T),
/// and `visible` is asked with the query's position.
pub fn head_weights_from(
    (queries, first): (&Matrix, usize),
    keys: &Matrix,
    (d, dk): (usize, usize),
    head: usize,
    scale: f32,
    visible: impl Fn(usize, usize) -> bool,
) -> (Vec<f32>, Vec<f32>) {
    let (n, t_len) = (queries.rows(), keys.rows());
    let mut scores = vec![0f32; n * t_len]; // S = Q_h·K_hᵀ·scale, (n, T)
    gemm(
        n,
        dk,
        t_len,
        scale,
        (queries.as_slice(), head_part(0, head, (d, dk))),
        (keys.as_slice(), head_part(1, head, (d, dk)).t()),
        0.0,
        (&mut scores, View::rows(0, t_len)),
    );
    let mut maps = Vec::with_capacity(n * t_len); // A = softmax over the visible keys
    for i in 0..n {
        maps.extend(masked_softmax(&scores[i * t_len..(i + 1) * t_len], |j| {
            visible(first + i, j)
        }));
    }
    (scores, maps)
}

/// H_h = A·V_h, written into columns head·d_k.. of `concat` (T × d): a head's output from
/// its weights `maps` (T × T) and the (T, 3d) projection.
pub fn add_head_output(
    maps: &[f32],
    qkv: &Matrix,
    (d, dk): (usize, usize),
    head: usize,
    concat: &mut [f32],
) {
    add_head_output_from(maps, qkv, (d, dk), head, concat);
}

/// [`add_head_output`] for n query rows: `maps` is (n × T) against the T values of `qkv`,
/// and `concat` (n × d).
pub fn add_head_output_from(
    maps: &[f32],
    qkv: &Matrix,
    (d, dk): (usize, usize),
    head: usize,
    concat: &mut [f32],
) {
    let t_len = qkv.rows();
    let n = maps.len() / t_len.max(1);
    gemm(
        n,
        t_len,
        dk,
        1.0,
        (maps, View::rows(0, t_len)),
        (qkv.as_slice(), head_part(2, head, (d, dk))),
        0.0,
        (concat, View::rows(head * dk, d)),
    );
}
