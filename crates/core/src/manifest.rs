//! The tensors (names and shapes) each architecture's config implies: what a trainer must
//! export, what the GPU engine uploads (`attnscope_gpu::weights::Tensors::read`), and what
//! tests fill with random weights (`attnscope-testkit`). `tests/model.rs` checks that every
//! loader accepts exactly its manifest, so the CPU loaders, the GPU upload and the trainer's
//! export cannot disagree on a name or a shape.

use crate::config::{BiLstmConfig, ModelConfig, Positions, Seq2SeqConfig, TransformerConfig};

/// (name, shape) of every tensor a model of this config reads.
pub fn tensors(config: &ModelConfig) -> Vec<(String, Vec<usize>)> {
    match config {
        ModelConfig::TransformerEncoderClassifier(c) => transformer(c),
        ModelConfig::BiLstmAttentionClassifier(c) => bilstm(c),
        ModelConfig::Seq2SeqAttention(c) => seq2seq(c),
        // The encoder's tensors without a classifier; the output layer is tied to the
        // embedding (a folder may add `lm_head.weight`, read when present).
        ModelConfig::TransformerDecoderLm(c) => transformer(c),
    }
}

/// Appends `nn.Linear`'s tensors: `{prefix}.weight` (out × in) and, with a bias,
/// `{prefix}.bias` (out).
fn linear(
    out: &mut Vec<(String, Vec<usize>)>,
    prefix: &str,
    input: usize,
    output: usize,
    bias: bool,
) {
    out.push((format!("{prefix}.weight"), vec![output, input]));
    if bias {
        out.push((format!("{prefix}.bias"), vec![output]));
    }
}

/// Appends one direction of an LSTM layer as PyTorch names it: `{prefix}weight_ih{suffix}`
/// (4H × in), `weight_hh` (4H × H) and both biases (4H), gates in the order i, f, g, o.
/// `nn.LSTM` uses suffixes such as `_l0` and `_l0_reverse`; `nn.LSTMCell` none.
fn lstm(
    out: &mut Vec<(String, Vec<usize>)>,
    prefix: &str,
    suffix: &str,
    input: usize,
    hidden: usize,
) {
    out.push((
        format!("{prefix}weight_ih{suffix}"),
        vec![4 * hidden, input],
    ));
    out.push((
        format!("{prefix}weight_hh{suffix}"),
        vec![4 * hidden, hidden],
    ));
    out.push((format!("{prefix}bias_ih{suffix}"), vec![4 * hidden]));
    out.push((format!("{prefix}bias_hh{suffix}"), vec![4 * hidden]));
}

/// The encoder's tensors: `nn.TransformerEncoderLayer`'s names under `layers.{ℓ}` (Q, K and V
/// in one `in_proj`), the learned positions and the embedding's norm where the config has
/// them (BERT), the optional final norm, the classifier (none for an encoder without labels).
fn transformer(c: &TransformerConfig) -> Vec<(String, Vec<usize>)> {
    let (d, ff) = (c.d_model, c.d_ff);
    let mut out = vec![("embedding.weight".to_owned(), vec![c.vocab_size, d])];
    if c.positions == Positions::Learned {
        out.push(("position_embedding.weight".to_owned(), vec![c.max_len, d]));
    }
    if c.embedding_norm {
        out.push(("embedding_norm.weight".to_owned(), vec![d]));
        out.push(("embedding_norm.bias".to_owned(), vec![d]));
    }
    for l in 0..c.n_layers {
        let p = format!("layers.{l}");
        out.push((format!("{p}.self_attn.in_proj_weight"), vec![3 * d, d]));
        out.push((format!("{p}.self_attn.in_proj_bias"), vec![3 * d]));
        linear(&mut out, &format!("{p}.self_attn.out_proj"), d, d, true);
        linear(&mut out, &format!("{p}.linear1"), d, ff, true);
        linear(&mut out, &format!("{p}.linear2"), ff, d, true);
        for norm in ["norm1", "norm2"] {
            out.push((format!("{p}.{norm}.weight"), vec![d]));
            out.push((format!("{p}.{norm}.bias"), vec![d]));
        }
    }
    if c.final_norm {
        out.push(("final_norm.weight".to_owned(), vec![d]));
        out.push(("final_norm.bias".to_owned(), vec![d]));
    }
    if !c.labels.is_empty() {
        linear(&mut out, "classifier", d, c.labels.len(), true);
    }
    out
}

/// The BiLSTM's tensors: embedding, both directions of every layer (the first reads the
/// embedding, later ones the 2H concatenation), the additive attention and the classifier.
fn bilstm(c: &BiLstmConfig) -> Vec<(String, Vec<usize>)> {
    let (e, h, a) = (c.embedding_dim, c.hidden_size, c.attention_dim);
    let mut out = vec![("embedding.weight".to_owned(), vec![c.vocab_size, e])];
    for l in 0..c.num_layers {
        let input = if l == 0 { e } else { 2 * h };
        lstm(&mut out, "lstm.", &format!("_l{l}"), input, h);
        lstm(&mut out, "lstm.", &format!("_l{l}_reverse"), input, h);
    }
    linear(&mut out, "attention.proj", 2 * h, a, true);
    out.push(("attention.v.weight".to_owned(), vec![1, a]));
    linear(&mut out, "classifier", 2 * h, c.labels.len(), true);
    out
}

/// The translator's tensors: both embeddings, a one-layer bidirectional encoder, the bridge,
/// an `nn.LSTMCell` decoder (input feeding widens its input by the 2H context), Bahdanau
/// attention, the optional attentional-hidden layer and the output layer (only its bias when
/// the weight is tied to the target embedding).
fn seq2seq(c: &Seq2SeqConfig) -> Vec<(String, Vec<usize>)> {
    let (e, h, a) = (c.embedding_dim, c.hidden_size, c.attention_dim);
    let mut out = vec![
        ("src_embedding.weight".to_owned(), vec![c.src_vocab_size, e]),
        ("tgt_embedding.weight".to_owned(), vec![c.tgt_vocab_size, e]),
    ];
    lstm(&mut out, "encoder.", "_l0", e, h);
    lstm(&mut out, "encoder.", "_l0_reverse", e, h);
    linear(&mut out, "bridge_h", 2 * h, h, true);
    linear(&mut out, "bridge_c", 2 * h, h, true);
    lstm(
        &mut out,
        "decoder.",
        "",
        if c.input_feeding { e + 2 * h } else { e },
        h,
    );
    linear(&mut out, "attention.query", h, a, false);
    linear(&mut out, "attention.key", 2 * h, a, true);
    out.push(("attention.v.weight".to_owned(), vec![1, a]));
    if c.attentional_hidden {
        linear(&mut out, "combine", 3 * h, e, true);
    }
    if c.tie_output_embedding {
        out.push(("output.bias".to_owned(), vec![c.tgt_vocab_size]));
    } else {
        let width = if c.attentional_hidden { e } else { 3 * h };
        linear(&mut out, "output", width, c.tgt_vocab_size, true);
    }
    out
}
