//! The translator's decoder state: one storage buffer every decoder kernel reads and writes
//! (h, c, the context, the output features, the source mask, the end flag, the decoded ids
//! and the cross-attention rows). Its layout lives beside the kernels, which get the offsets
//! as `override` constants; the engine (`seq2seq.rs`) only allocates and reads it.

use attnscope_core::config::Seq2SeqConfig;

/// Where each part of the decoder's `state` buffer lives (f32 words). The decoder kernels
/// get these offsets as `override` constants when they are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateLayout {
    /// The decoder's h (H).
    pub h: usize,
    /// The decoder's c (H).
    pub c: usize,
    /// The attention context (2H).
    pub ctx: usize,
    /// The output features (E with an attentional hidden layer, else 3H).
    pub feat: usize,
    /// The source mask (max_src_len).
    pub mask: usize,
    /// The end flag.
    pub done: usize,
    /// The number of steps decoded.
    pub steps: usize,
    /// The start token then the decoded ids (max_decode_len + 1).
    pub ids: usize,
    /// The cross-attention rows (max_decode_len × max_src_len).
    pub alpha: usize,
    /// Words in all.
    pub len: usize,
    /// Width of the output features.
    pub features: usize,
    /// Width of the decoder cell's input (E, or E + 2H with input feeding).
    pub cell_input: usize,
}

impl StateLayout {
    /// The layout for a translator's sizes.
    pub fn new(c: &Seq2SeqConfig) -> Self {
        let h = c.hidden_size;
        let features = if c.attentional_hidden {
            c.embedding_dim
        } else {
            3 * h
        };
        let feat = 4 * h;
        let mask = feat + features;
        let done = mask + c.max_src_len;
        let steps = done + 1;
        let ids = steps + 1;
        let alpha = ids + c.max_decode_len + 1;
        Self {
            h: 0,
            c: h,
            ctx: 2 * h,
            feat,
            mask,
            done,
            steps,
            ids,
            alpha,
            len: alpha + c.max_decode_len * c.max_src_len,
            features,
            cell_input: if c.input_feeding {
                c.embedding_dim + 2 * h
            } else {
                c.embedding_dim
            },
        }
    }
}
