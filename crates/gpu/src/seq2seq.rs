//! The seq2seq translator on the GPU, equal to `attnscope_core::seq2seq`, with greedy decoding
//! on the GPU: every decoding step is encoded into the same compute pass, so a translation is
//! one submit and one readback, with no CPU round trip per token.
//!
//! Load is three steps: check the limits, upload the weights and size the buffers, plan.
//! Encoder: embedding, one projection matmul for both directions, `lstm.wgsl` (which also
//! leaves the final h and c), `bridge.wgsl` (h_0, c_0), the keys matmul. Then for each of the
//! `max_decode_len` steps: `decoder_attention.wgsl` (query, scores, masked softmax, context),
//! `decoder_cell.wgsl` (LSTM cell + attentional hidden), `decoder_logits.wgsl` (output layer),
//! `decoder_argmax.wgsl` (the next token; sets a flag at the end token, after which every
//! later step's kernels return at once). One `state` buffer ([`StateLayout`]) holds everything
//! a step changes. The top-5 candidates are computed on the CPU from the read-back step
//! logits, with the same function the CPU reference uses.

use crate::buffers;
use crate::kernel::{pad_rows_to_vec4, transpose, vec4_column_major, Kernel};
use crate::kernels::decoder_state::StateLayout;
use crate::kernels::matmul::{self, Activation};
use crate::kernels::{bridge, decoder_argmax, decoder_attention, decoder_cell, decoder_logits};
use crate::kernels::{embed, lstm};
use crate::plan::{submit_and_read, Loaded, Planned, Region, Steps};
use crate::weights::{sum, BiLstmLayer, Tensors};
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::config::{ModelConfig, Seq2SeqConfig};
use attnscope_core::seq2seq::{top_k_probabilities, Seq2SeqOutput, TOP_K};
use attnscope_core::trace::{Decoding, Interventions, StopReason};
use attnscope_core::weights::WeightStore;
use attnscope_core::Matrix;

/// Largest hidden size, attention size and source length the decoder kernels hold in
/// workgroup memory.
pub const MAX_SIZE: usize = 256;

/// The kernels of the translator, compiled once per model (the decoder's specialised to
/// its sizes and state layout).
struct Kernels {
    matmul: Kernel,
    embed: Kernel,
    lstm: Kernel,
    bridge: Kernel,
    attention: Kernel,
    cell: Kernel,
    logits: Kernel,
    argmax: Kernel,
}

impl Kernels {
    async fn compile(
        context: &GpuContext,
        c: &Seq2SeqConfig,
        l: &StateLayout,
    ) -> Result<Self, GpuError> {
        Ok(Self {
            matmul: matmul::kernel(context).await?,
            embed: embed::kernel(context).await?,
            lstm: lstm::kernel(context, c.hidden_size).await?,
            bridge: bridge::kernel(context, c.hidden_size, l).await?,
            attention: decoder_attention::kernel(context, c, l).await?,
            cell: decoder_cell::kernel(context, c, l).await?,
            logits: decoder_logits::kernel(context, c.tgt_vocab_size, l).await?,
            argmax: decoder_argmax::kernel(context, c.tgt_vocab_size, c.eos_id, l).await?,
        })
    }
}

/// The weights on the GPU, laid out as the kernels read them: the kernels whose threads each
/// compute one output row read their matrices transposed, or as vec4 rows stored
/// column-major by vec4 ([`vec4_column_major`]), so adjacent threads read adjacent words.
struct Weights {
    src_embedding: wgpu::Buffer,
    tgt_embedding: wgpu::Buffer,
    encoder: BiLstmLayer,
    /// [W_bh; W_bc]ᵀ and [b_bh; b_bc].
    bridge: [wgpu::Buffer; 2],
    /// The attention keys' W_k and b_k (a matmul over the encoder states, once).
    key: [wgpu::Buffer; 2],
    /// [W_q (column-major by vec4) | v] as vec4s.
    query_and_v: wgpu::Buffer,
    /// [W_ih | W_hh | W_c] as vec4 rows, each column-major by vec4, and [b_ih + b_hh | b_c].
    cell: [wgpu::Buffer; 2],
    /// W_oᵀ (the target embedding's when tied) and b_o.
    output: [wgpu::Buffer; 2],
}

impl Weights {
    fn upload(device: &wgpu::Device, c: &Seq2SeqConfig, l: &StateLayout, t: &Tensors) -> Self {
        let (e, h, a, v) = (
            c.embedding_dim,
            c.hidden_size,
            c.attention_dim,
            c.tgt_vocab_size,
        );
        let upload = |label: &str, data: &[f32]| buffers::upload(device, label, data);
        let get = |name: &str| t.get(name);
        let bridge_w = transpose(
            &[get("bridge_h.weight"), get("bridge_c.weight")].concat(),
            2 * h,
            2 * h,
        );
        let query_and_v = [
            vec4_column_major(get("attention.query.weight"), a, h),
            pad_rows_to_vec4(get("attention.v.weight"), 1, a),
        ]
        .concat();
        let mut cell = [
            vec4_column_major(get("decoder.weight_ih"), 4 * h, l.cell_input),
            vec4_column_major(get("decoder.weight_hh"), 4 * h, h),
        ]
        .concat();
        let mut cell_bias = sum(get("decoder.bias_ih"), get("decoder.bias_hh"));
        if c.attentional_hidden {
            cell.extend_from_slice(&vec4_column_major(get("combine.weight"), e, 3 * h));
            cell_bias.extend_from_slice(get("combine.bias"));
        }
        let output_w = if c.tie_output_embedding {
            transpose(get("tgt_embedding.weight"), v, e)
        } else {
            transpose(get("output.weight"), v, l.features)
        };
        Self {
            src_embedding: upload("src_embedding", get("src_embedding.weight")),
            tgt_embedding: upload("tgt_embedding", get("tgt_embedding.weight")),
            encoder: BiLstmLayer::upload(device, t, "encoder", 0, h),
            bridge: [
                upload("bridge w", &bridge_w),
                upload(
                    "bridge b",
                    &[get("bridge_h.bias"), get("bridge_c.bias")].concat(),
                ),
            ],
            key: [
                upload("attention.key.weight", get("attention.key.weight")),
                upload("attention.key.bias", get("attention.key.bias")),
            ],
            query_and_v: upload("attention query and v", &query_and_v),
            cell: [
                upload("decoder cell", &cell),
                upload("decoder cell bias", &cell_bias),
            ],
            output: [
                upload("output w transposed", &output_w),
                upload("output.bias", get("output.bias")),
            ],
        }
    }
}

/// The working buffers, sized once for `max_src_len` and `max_decode_len`.
struct Buffers {
    /// Source ids (written per translation).
    ids: wgpu::Buffer,
    /// Zeros in place of a positional encoding.
    zeros: wgpu::Buffer,
    /// Source embeddings (S × E), both directions' projections (S × 8H), encoder states
    /// (S × 2H), final h and c (4H), attention keys (S × A).
    x: wgpu::Buffer,
    proj: wgpu::Buffer,
    states: wgpu::Buffer,
    last: wgpu::Buffer,
    keys: wgpu::Buffer,
    /// The decoder state ([`StateLayout`]), read back.
    state: wgpu::Buffer,
    /// Every step's logits (D × V), read back.
    logits: wgpu::Buffer,
    staging: wgpu::Buffer,
    /// The end flag and step count, read after every step in the round-trip mode.
    probe: wgpu::Buffer,
}

impl Buffers {
    fn new(device: &wgpu::Device, c: &Seq2SeqConfig, l: &StateLayout) -> Self {
        let (s, e, h) = (c.max_src_len, c.embedding_dim, c.hidden_size);
        let logits = c.max_decode_len * c.tgt_vocab_size;
        let copy_dst = wgpu::BufferUsages::COPY_DST;
        let work = |label: &str, floats: usize| buffers::storage(device, label, floats, copy_dst);
        let read_write = copy_dst | wgpu::BufferUsages::COPY_SRC;
        Self {
            ids: work("source ids", s),
            zeros: work("no positional encoding", s * e),
            x: work("x", s * e),
            proj: work("proj", s * 8 * h),
            states: work("encoder states", s * 2 * h),
            last: work("encoder final states", 4 * h),
            keys: work("keys", s * c.attention_dim),
            state: buffers::storage(device, "decoder state", l.len, read_write),
            logits: buffers::storage(device, "step logits", logits, wgpu::BufferUsages::COPY_SRC),
            staging: buffers::staging(device, "staging", l.len + logits),
            probe: buffers::staging(device, "end flag probe", 2),
        }
    }
}

/// A translator loaded onto the GPU.
pub struct GpuSeq2Seq {
    planned: Planned,
    config: Seq2SeqConfig,
    layout: StateLayout,
    /// How many of `steps` are the encoder's (each decoding step adds four).
    encoder_steps: usize,
    buffers: Buffers,
}

/// Dispatches per decoding step.
const STEP_DISPATCHES: usize = 4;

/// Refuses a translator the decoder kernels or the device cannot hold, naming the limit.
fn check_limits(context: &GpuContext, c: &Seq2SeqConfig) -> Result<(), LoadError> {
    let (e, h, v) = (c.embedding_dim, c.hidden_size, c.tgt_vocab_size);
    LoadError::check("hidden_size (decoder kernels)", h, MAX_SIZE)?;
    LoadError::check("attention_dim (decoder kernels)", c.attention_dim, MAX_SIZE)?;
    LoadError::check("max_src_len (decoder kernels)", c.max_src_len, MAX_SIZE)?;
    LoadError::check("embedding_dim (decoder kernels)", e, MAX_SIZE)?;
    let input = StateLayout::new(c).cell_input;
    LoadError::check_storage(
        context,
        &[
            c.src_vocab_size * e,
            v * e.max(3 * h),
            c.max_decode_len * v,
            4 * h * (input + h + 1) + e * (3 * h + 1),
        ],
    )
}

impl Loaded for GpuSeq2Seq {
    fn planned(&self) -> &Planned {
        &self.planned
    }
}

impl GpuSeq2Seq {
    /// Checks the limits, uploads the translator, compiles its kernels (specialised to its
    /// sizes with `override` constants) and plans the whole translation.
    pub async fn load(
        context: &GpuContext,
        config: Seq2SeqConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        check_limits(context, &config)?;
        let device = &context.device;
        let layout = StateLayout::new(&config);
        let model = ModelConfig::Seq2SeqAttention(config.clone());
        let weights = Weights::upload(device, &config, &layout, &Tensors::read(&model, store)?);
        let buffers = Buffers::new(device, &config, &layout);
        let kernels = Kernels::compile(context, &config, &layout).await?;
        let (steps, encoder_steps) = plan(device, &config, &kernels, &weights, &buffers);
        Ok(Self {
            planned: Planned {
                context: context.clone(),
                steps,
            },
            config,
            layout,
            encoder_steps,
            buffers,
        })
    }

    /// Translates `src` (at most `max_src_len` ids) greedily: one submit, one readback (the
    /// decoder state with the ids and attention rows, and every step's logits).
    pub async fn forward(
        &self,
        src: &[u32],
        iv: &Interventions,
    ) -> Result<Seq2SeqOutput, GpuError> {
        self.translate(src, iv, false).await
    }

    /// The same translation with a CPU round trip per token: the encoder is one submit, then
    /// every decoding step is a submit and a readback of the end flag, stopping at the end
    /// token; then one readback of the results. Kept to measure against [`Self::forward`].
    pub async fn forward_round_trip(
        &self,
        src: &[u32],
        iv: &Interventions,
    ) -> Result<Seq2SeqOutput, GpuError> {
        self.translate(src, iv, true).await
    }

    async fn translate(
        &self,
        src: &[u32],
        iv: &Interventions,
        round_trip: bool,
    ) -> Result<Seq2SeqOutput, GpuError> {
        self.planned.context.check_not_lost()?;
        let (c, b) = (&self.config, &self.buffers);
        let s = src.len().min(c.max_src_len);
        if s == 0 {
            return Ok(Seq2SeqOutput::empty());
        }
        // 1. Inputs: S and 1/temperature into every uniform; the source ids; a fresh decoder
        //    state (zeros, the source mask, the start token as the "previous" token).
        let l = self.layout;
        let queue = &self.planned.context.queue;
        let scale = 1.0 / iv.temperature();
        self.planned.steps.write_uniforms(queue, s as u32, scale);
        // The mask is stored as 0/1 floats in the state (the decoder kernels read one buffer
        // for everything a step needs); ids are f32 integers, exact below 2^24.
        let mut initial = vec![0f32; l.len];
        for j in 0..c.max_src_len {
            initial[l.mask + j] = iv.is_masked(j) as u32 as f32;
        }
        initial[l.ids] = c.bos_id as f32;
        queue.write_buffer(&b.state, 0, bytemuck::cast_slice(&initial));
        queue.write_buffer(&b.ids, 0, bytemuck::cast_slice(&src[..s]));
        let new_encoder = || self.planned.context.encoder("seq2seq translation");
        // 2. The encoder and every decoding step in one pass (or, to measure, a submit and a
        //    probe of the end flag per step), then one readback of the state and the logits.
        let mut encoder = new_encoder();
        if round_trip {
            self.planned.steps.record_range(
                &mut encoder,
                "seq2seq encoder",
                0..self.encoder_steps,
                s as u32,
                scale,
            );
            // The encoder alone, then one submit per decoding step with a two-word readback of
            // the end flag: the CPU round trip the single-pass design avoids, kept to measure
            // the difference (docs/perf.md).
            self.planned.context.submit(encoder.finish());
            for t in 0..c.max_decode_len {
                let first = self.encoder_steps + t * STEP_DISPATCHES;
                let mut encoder = new_encoder();
                self.planned.steps.record_range(
                    &mut encoder,
                    "seq2seq step",
                    first..first + STEP_DISPATCHES,
                    s as u32,
                    scale,
                );
                let probe = submit_and_read(
                    &self.planned.context,
                    encoder,
                    &[Region::new(&b.state, l.done, 2)],
                    &b.probe,
                )
                .await?;
                if probe[0] != 0.0 {
                    break;
                }
            }
            // Results are read with a fresh, empty encoder: everything already ran.
            encoder = new_encoder();
        } else {
            self.planned
                .steps
                .record(&mut encoder, "seq2seq translation", s as u32, scale);
        }
        let values = submit_and_read(
            &self.planned.context,
            encoder,
            &[
                Region::new(&b.state, 0, l.len),
                Region::new(&b.logits, 0, c.max_decode_len * c.tgt_vocab_size),
            ],
            &b.staging,
        )
        .await?;
        Ok(self.decoded(&values, s))
    }

    /// The decoding from the read-back state and step logits, for a source of `s` tokens.
    /// The readback is `[state (StateLayout::len) | step logits (max_decode_len × V)]`; only
    /// the steps actually decoded are kept, and each attention row is cut from its
    /// `max_src_len` slot to the `s` source tokens.
    fn decoded(&self, values: &[f32], s: usize) -> Seq2SeqOutput {
        let (c, l) = (&self.config, self.layout);
        // The argmax kernel counts the steps it ran; clamp anyway, so a corrupt readback can
        // never index past the buffer.
        let steps = (values[l.steps] as usize).min(c.max_decode_len);
        let ids: Vec<u32> = values[l.ids + 1..l.ids + 1 + steps]
            .iter()
            .map(|&v| v as u32)
            .collect();
        // Decoding stopped at the end token if it produced one, else at max_decode_len.
        let stop = if ids.last() == Some(&c.eos_id) {
            StopReason::EndToken
        } else {
            StopReason::MaxLength
        };
        let v = c.tgt_vocab_size;
        let logits = &values[l.len..l.len + steps * v];
        // Attention rows are stored max_src_len apart; keep the S columns of the real source.
        let mut rows = Vec::with_capacity(steps * s);
        for t in 0..steps {
            let start = l.alpha + t * c.max_src_len;
            rows.extend_from_slice(&values[start..start + s]);
        }
        Seq2SeqOutput {
            // Candidates come from the read-back logits through core's own function, so both
            // engines rank ties alike.
            decoding: Decoding {
                top_k: logits
                    .chunks_exact(v)
                    .map(|row| top_k_probabilities(row, TOP_K))
                    .collect(),
                ids,
                stop,
                cross_attention: Matrix::from_vec(steps, s, rows).expect("steps·S"),
            },
            step_logits: Matrix::from_vec(steps, v, logits.to_vec()).expect("steps·V"),
        }
    }
}

/// The translation as steps: the encoder (embedding, projection, recurrence, bridge, keys),
/// then four dispatches for each of the `max_decode_len` decoding steps. Returns the steps
/// and how many of them are the encoder's.
fn plan(
    device: &wgpu::Device,
    c: &Seq2SeqConfig,
    k: &Kernels,
    w: &Weights,
    b: &Buffers,
) -> (Steps, usize) {
    let (e, h, a, v) = (
        c.embedding_dim,
        c.hidden_size,
        c.attention_dim,
        c.tgt_vocab_size,
    );
    let identity = Activation::Identity as usize;
    let mut steps = Steps::default();
    // Encoder: X = E_src[ids]; P = X·W_ihᵀ + b (both directions); the recurrence → states, last.
    let embed_in = [&b.ids, &w.src_embedding, &b.zeros, &b.x];
    steps.push(device, &k.embed, 0, &embed_in, embed::plan(e, 1.0));
    let project = [&b.x, &w.encoder.w_ih, &w.encoder.bias, &b.proj];
    steps.push(
        device,
        &k.matmul,
        identity,
        &project,
        matmul::plan(e, 8 * h, true),
    );
    let recur = [&b.proj, &w.encoder.w_hh, &b.states, &b.last];
    steps.push(
        device,
        &k.lstm,
        w.encoder.precision as usize,
        &recur,
        lstm::plan(),
    );
    // h₀, c₀ from the final states; the attention keys W_k·sⱼ + b_k, once per translation.
    let [bridge_w, bridge_b] = &w.bridge;
    steps.push(
        device,
        &k.bridge,
        0,
        &[&b.last, bridge_w, bridge_b, &b.state],
        bridge::plan(),
    );
    let [key_w, key_b] = &w.key;
    let keys = [&b.states, key_w, key_b, &b.keys];
    steps.push(
        device,
        &k.matmul,
        identity,
        &keys,
        matmul::plan(2 * h, a, true),
    );
    let encoder_steps = steps.len();
    // Decoder: attention → cell → logits → argmax, for every step up to max_decode_len (the
    // kernels return at once after the end token).
    let [cell_w, cell_b] = &w.cell;
    let [out_w, out_b] = &w.output;
    for step in 0..c.max_decode_len as u32 {
        let attend = [&b.keys, &b.states, &w.query_and_v, &b.state];
        steps.push(
            device,
            &k.attention,
            0,
            &attend,
            decoder_attention::plan(step),
        );
        let cell = [&w.tgt_embedding, cell_w, cell_b, &b.state];
        steps.push(device, &k.cell, 0, &cell, decoder_cell::plan(step));
        let logits = [out_w, out_b, &b.state, &b.logits];
        steps.push(device, &k.logits, 0, &logits, decoder_logits::plan(step, v));
        steps.push(
            device,
            &k.argmax,
            0,
            &[&b.logits, &b.state],
            decoder_argmax::plan(step),
        );
    }
    debug_assert_eq!(
        steps.len(),
        encoder_steps + c.max_decode_len * STEP_DISPATCHES
    );
    (steps, encoder_steps)
}
