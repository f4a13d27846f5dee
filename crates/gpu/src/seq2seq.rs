//! The seq2seq translator on the GPU, equal to `attnscope_core::seq2seq`, with greedy decoding
//! on the GPU: every decoding step is encoded into the same compute pass, so a translation is
//! one submit and one readback, with no CPU round trip per token.
//!
//! Encoder: embedding, one projection matmul for both directions, `lstm.wgsl` (which also
//! leaves the final h and c), `bridge.wgsl` (h_0, c_0), the keys matmul. Then for each of the
//! `max_decode_len` steps: `decoder_attention.wgsl` (query, scores, masked softmax, context),
//! `decoder_cell.wgsl` (LSTM cell + attentional hidden), `decoder_logits.wgsl` (output layer),
//! `decoder_argmax.wgsl` (the next token; sets a flag at the end token, after which every
//! later step's kernels return at once). One `state` buffer holds everything a step changes.
//! The top-5 candidates are computed on the CPU from the read-back step logits, with the same
//! function the CPU reference uses.

use crate::buffers;
use crate::kernel::{pad_rows_to_vec4, transpose, Binding, Kernel};
use crate::matmul::{self, Activation};
use crate::plan::{self, f32_bits, submit_and_read, Region, Steps};
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::config::{ModelConfig, Seq2SeqConfig};
use attnscope_core::manifest;
use attnscope_core::seq2seq::{top_k_probabilities, Seq2SeqOutput, TOP_K};
use attnscope_core::trace::{Decoding, Interventions, StopReason};
use attnscope_core::weights::WeightStore;
use attnscope_core::Matrix;
use std::collections::HashMap;

/// Largest hidden size, attention size and source length the decoder kernels hold in
/// workgroup memory.
pub const MAX_SIZE: usize = 256;

/// Where each part of the decoder's `state` buffer lives (f32 words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    h: usize,
    c: usize,
    ctx: usize,
    feat: usize,
    mask: usize,
    done: usize,
    steps: usize,
    ids: usize,
    alpha: usize,
    len: usize,
}

impl Layout {
    fn new(c: &Seq2SeqConfig) -> Self {
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
        }
    }
}

/// A translator loaded onto the GPU.
pub struct GpuSeq2Seq {
    context: GpuContext,
    config: Seq2SeqConfig,
    layout: Layout,
    steps: Steps,
    /// How many of `steps` are the encoder's (each decoding step adds four).
    encoder_steps: usize,
    ids: wgpu::Buffer,
    state: wgpu::Buffer,
    logits: wgpu::Buffer,
    staging: wgpu::Buffer,
    /// The end flag and step count, read after every step in the round-trip mode.
    probe: wgpu::Buffer,
}

/// Dispatches per decoding step.
const STEP_DISPATCHES: usize = 4;

type Constants = Vec<(&'static str, f64)>;

impl GpuSeq2Seq {
    /// Uploads a translator, compiles its kernels (specialised to its sizes with `override`
    /// constants) and plans the whole translation.
    pub async fn load(
        context: &GpuContext,
        config: Seq2SeqConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        let device = &context.device;
        let c = &config;
        let (e, h, a, v) = (
            c.embedding_dim,
            c.hidden_size,
            c.attention_dim,
            c.tgt_vocab_size,
        );
        let (s_max, d) = (c.max_src_len, c.max_decode_len);
        LoadError::check("hidden_size (decoder kernels)", h, MAX_SIZE)?;
        LoadError::check("attention_dim (decoder kernels)", a, MAX_SIZE)?;
        LoadError::check("max_src_len (decoder kernels)", s_max, MAX_SIZE)?;
        LoadError::check("embedding_dim (decoder kernels)", e, MAX_SIZE)?;
        let limit = context.limits.max_storage_buffer_binding_size as usize;
        let input = if c.input_feeding { e + 2 * h } else { e };
        let biggest = [
            c.src_vocab_size * e,
            v * e.max(3 * h),
            d * v,
            4 * h * (input + h + 1) + e * (3 * h + 1),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
            * 4;
        LoadError::check("storage buffer bytes", biggest, limit)?;
        let layout = Layout::new(c);
        let features = if c.attentional_hidden { e } else { 3 * h };

        use Binding::{Read, ReadWrite, Uniform};
        let n = |x: usize| x as f64;
        let kernel = |name: &'static str,
                      source: &'static str,
                      bindings: &'static [Binding],
                      constants: Constants| async move {
            Kernel::new(context, name, source, bindings, &[&constants]).await
        };
        let matmul_kernel = matmul::kernel(context).await?;
        let embed = kernel(
            "embed.wgsl",
            include_str!("kernels/embed.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            Vec::new(),
        )
        .await?;
        let lstm = kernel(
            "lstm.wgsl",
            include_str!("kernels/lstm.wgsl"),
            &[Uniform, Read, Read, ReadWrite, ReadWrite],
            vec![("H", n(h)), ("Q", n(h.div_ceil(4)))],
        )
        .await?;
        let bridge = kernel(
            "bridge.wgsl",
            include_str!("kernels/bridge.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            vec![("H", n(h)), ("OFF_H", n(layout.h)), ("OFF_C", n(layout.c))],
        )
        .await?;
        let attention = kernel(
            "decoder_attention.wgsl",
            include_str!("kernels/decoder_attention.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            vec![
                ("H", n(h)),
                ("A", n(a)),
                ("Q_H", n(h.div_ceil(4))),
                ("S_MAX", n(s_max)),
                ("OFF_H", n(layout.h)),
                ("OFF_CTX", n(layout.ctx)),
                ("OFF_MASK", n(layout.mask)),
                ("OFF_DONE", n(layout.done)),
                ("OFF_ALPHA", n(layout.alpha)),
            ],
        )
        .await?;
        let cell = kernel(
            "decoder_cell.wgsl",
            include_str!("kernels/decoder_cell.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            vec![
                ("H", n(h)),
                ("E", n(e)),
                ("IN", n(input)),
                ("Q_IN", n(input.div_ceil(4))),
                ("Q_H", n(h.div_ceil(4))),
                ("Q_3H", n((3 * h).div_ceil(4))),
                ("ATTENTIONAL", n(c.attentional_hidden as usize)),
                ("OFF_H", n(layout.h)),
                ("OFF_C", n(layout.c)),
                ("OFF_CTX", n(layout.ctx)),
                ("OFF_FEAT", n(layout.feat)),
                ("OFF_DONE", n(layout.done)),
                ("OFF_IDS", n(layout.ids)),
            ],
        )
        .await?;
        let logits_kernel = kernel(
            "decoder_logits.wgsl",
            include_str!("kernels/decoder_logits.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            vec![
                ("V", n(v)),
                ("F", n(features)),
                ("OFF_FEAT", n(layout.feat)),
                ("OFF_DONE", n(layout.done)),
            ],
        )
        .await?;
        let argmax = kernel(
            "decoder_argmax.wgsl",
            include_str!("kernels/decoder_argmax.wgsl"),
            &[Uniform, Read, ReadWrite],
            vec![
                ("V", n(v)),
                ("EOS", n(c.eos_id as usize)),
                ("OFF_DONE", n(layout.done)),
                ("OFF_IDS", n(layout.ids)),
                ("OFF_STEPS", n(layout.steps)),
            ],
        )
        .await?;

        // Weights by their PyTorch names, checked exactly as the CPU loader checks them.
        let mut values = HashMap::new();
        for (name, shape) in manifest::tensors(&ModelConfig::Seq2SeqAttention(config.clone())) {
            values.insert(name.clone(), store.tensor(&name, &shape)?);
        }
        let t = |name: &str| values[name].as_slice();
        let upload = |label: &str, data: &[f32]| buffers::upload(device, label, data);
        let sum =
            |x: &[f32], y: &[f32]| -> Vec<f32> { x.iter().zip(y).map(|(p, q)| p + q).collect() };
        let src_embedding = upload("src_embedding", t("src_embedding.weight"));
        let tgt_embedding = upload("tgt_embedding", t("tgt_embedding.weight"));
        let enc = |kind: &str, reverse: bool| {
            t(&format!(
                "encoder.{kind}_l0{}",
                if reverse { "_reverse" } else { "" }
            ))
        };
        let enc_w_ih = upload(
            "encoder w_ih",
            &[enc("weight_ih", false), enc("weight_ih", true)].concat(),
        );
        let enc_b = upload(
            "encoder b",
            &[
                sum(enc("bias_ih", false), enc("bias_hh", false)),
                sum(enc("bias_ih", true), enc("bias_hh", true)),
            ]
            .concat(),
        );
        // The recurrence reads W_hh rows as vec4s (zero-padded); the decoder kernels, one thread
        // per output row, read their matrices transposed.
        let enc_w_hh = upload(
            "encoder w_hh",
            &[
                pad_rows_to_vec4(enc("weight_hh", false), 4 * h, h),
                pad_rows_to_vec4(enc("weight_hh", true), 4 * h, h),
            ]
            .concat(),
        );
        let bridge_w = upload(
            "bridge w",
            &transpose(
                &[t("bridge_h.weight"), t("bridge_c.weight")].concat(),
                2 * h,
                2 * h,
            ),
        );
        let bridge_b = upload(
            "bridge b",
            &[t("bridge_h.bias"), t("bridge_c.bias")].concat(),
        );
        let key_w = upload("attention.key.weight", t("attention.key.weight"));
        let key_b = upload("attention.key.bias", t("attention.key.bias"));
        let att = upload(
            "attention query and v",
            &[
                pad_rows_to_vec4(t("attention.query.weight"), a, h),
                pad_rows_to_vec4(t("attention.v.weight"), 1, a),
            ]
            .concat(),
        );
        let mut cell_weights = [
            pad_rows_to_vec4(t("decoder.weight_ih"), 4 * h, input),
            pad_rows_to_vec4(t("decoder.weight_hh"), 4 * h, h),
        ]
        .concat();
        let mut cell_bias = sum(t("decoder.bias_ih"), t("decoder.bias_hh"));
        if c.attentional_hidden {
            cell_weights.extend_from_slice(&pad_rows_to_vec4(t("combine.weight"), e, 3 * h));
            cell_bias.extend_from_slice(t("combine.bias"));
        }
        let cell_weights = upload("decoder cell", &cell_weights);
        let cell_bias = upload("decoder cell bias", &cell_bias);
        let output_w = if c.tie_output_embedding {
            upload(
                "tgt_embedding transposed",
                &transpose(t("tgt_embedding.weight"), v, e),
            )
        } else {
            upload(
                "output.weight transposed",
                &transpose(t("output.weight"), v, features),
            )
        };
        let output_b = upload("output.bias", t("output.bias"));

        let storage = |label: &str, floats: usize, extra: wgpu::BufferUsages| {
            buffers::storage(device, label, floats, extra)
        };
        let copy_dst = wgpu::BufferUsages::COPY_DST;
        let copy_src = wgpu::BufferUsages::COPY_SRC;
        let zeros = storage("no positional encoding", s_max * e, copy_dst);
        let ids = storage("source ids", s_max, copy_dst);
        let x = storage("x", s_max * e, copy_dst);
        let proj = storage("proj", s_max * 8 * h, copy_dst);
        let states = storage("encoder states", s_max * 2 * h, copy_dst);
        let last = storage("encoder final states", 4 * h, copy_dst);
        let keys = storage("keys", s_max * a, copy_dst);
        let state = storage("decoder state", layout.len, copy_dst | copy_src);
        let logits = storage("step logits", d * v, copy_src);
        let staging = buffers::staging(device, "staging", layout.len + d * v);

        let mut steps = Steps::default();
        steps.push(
            device,
            &embed,
            0,
            &[&ids, &src_embedding, &zeros, &x],
            plan::embed(e, 1.0),
        );
        steps.push(
            device,
            &matmul_kernel,
            Activation::Identity as usize,
            &[&x, &enc_w_ih, &enc_b, &proj],
            matmul::plan(None, e, 8 * h, true),
        );
        let hu = h as u32;
        steps.push(
            device,
            &lstm,
            0,
            &[&proj, &enc_w_hh, &states, &last],
            Box::new(move |t, _| ([t, hu, 0, 0, 0, 0, 0, 0], [2, 1, 1])),
        );
        steps.push(
            device,
            &bridge,
            0,
            &[&last, &bridge_w, &bridge_b, &state],
            Box::new(|_, _| ([0; 8], [1, 1, 1])),
        );
        steps.push(
            device,
            &matmul_kernel,
            Activation::Identity as usize,
            &[&states, &key_w, &key_b, &keys],
            matmul::plan(None, 2 * h, a, true),
        );
        let w_o = &output_w;
        let encoder_steps = steps.len();
        let vu = v as u32;
        for step in 0..d as u32 {
            steps.push(
                device,
                &attention,
                0,
                &[&keys, &states, &att, &state],
                Box::new(move |t, scale| ([step, t, f32_bits(scale), 0, 0, 0, 0, 0], [1, 1, 1])),
            );
            steps.push(
                device,
                &cell,
                0,
                &[&tgt_embedding, &cell_weights, &cell_bias, &state],
                Box::new(move |_, _| ([step, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1])),
            );
            steps.push(
                device,
                &logits_kernel,
                0,
                &[w_o, &output_b, &state, &logits],
                Box::new(move |_, _| ([step, 0, 0, 0, 0, 0, 0, 0], [vu.div_ceil(256), 1, 1])),
            );
            steps.push(
                device,
                &argmax,
                0,
                &[&logits, &state],
                Box::new(move |_, _| ([step, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1])),
            );
        }
        let probe = buffers::staging(device, "end flag probe", 2);
        Ok(Self {
            context: context.clone(),
            config,
            layout,
            steps,
            encoder_steps,
            ids,
            state,
            logits,
            staging,
            probe,
        })
    }

    /// The context the model was loaded on.
    pub fn context(&self) -> &GpuContext {
        &self.context
    }

    /// How many dispatches one translation records (all in one compute pass).
    pub fn dispatches(&self) -> usize {
        self.steps.len()
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
        if let Some(reason) = self.context.lost() {
            return Err(GpuError::DeviceLost(reason));
        }
        let c = &self.config;
        let s = src.len().min(c.max_src_len);
        if s == 0 {
            return Ok(Seq2SeqOutput::empty());
        }
        let l = self.layout;
        let queue = &self.context.queue;
        let scale = 1.0 / iv.temperature();
        self.steps.write_uniforms(queue, s as u32, scale);
        let mut initial = vec![0f32; l.len];
        for j in 0..c.max_src_len {
            initial[l.mask + j] = iv.is_masked(j) as u32 as f32;
        }
        initial[l.ids] = c.bos_id as f32;
        queue.write_buffer(&self.state, 0, bytemuck::cast_slice(&initial));
        queue.write_buffer(&self.ids, 0, bytemuck::cast_slice(&src[..s]));
        let device = &self.context.device;
        let new_encoder = || {
            device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("seq2seq translation"),
            })
        };
        let mut encoder = new_encoder();
        if round_trip {
            self.steps.record_range(
                &mut encoder,
                "seq2seq encoder",
                0..self.encoder_steps,
                s as u32,
                scale,
            );
            self.context.submit(encoder.finish());
            for t in 0..c.max_decode_len {
                let first = self.encoder_steps + t * STEP_DISPATCHES;
                let mut encoder = new_encoder();
                self.steps.record_range(
                    &mut encoder,
                    "seq2seq step",
                    first..first + STEP_DISPATCHES,
                    s as u32,
                    scale,
                );
                let probe = submit_and_read(
                    &self.context,
                    encoder,
                    &[Region::new(&self.state, l.done, 2)],
                    &self.probe,
                )
                .await?;
                if probe[0] != 0.0 {
                    break;
                }
            }
            encoder = new_encoder();
        } else {
            self.steps
                .record(&mut encoder, "seq2seq translation", s as u32, scale);
        }
        let values = submit_and_read(
            &self.context,
            encoder,
            &[
                Region::new(&self.state, 0, l.len),
                Region::new(&self.logits, 0, c.max_decode_len * c.tgt_vocab_size),
            ],
            &self.staging,
        )
        .await?;
        Ok(self.decoded(&values, s))
    }

    /// The decoding from the read-back state and step logits, for a source of `s` tokens.
    fn decoded(&self, values: &[f32], s: usize) -> Seq2SeqOutput {
        let (c, l) = (&self.config, self.layout);
        let steps = (values[l.steps] as usize).min(c.max_decode_len);
        let ids: Vec<u32> = values[l.ids + 1..l.ids + 1 + steps]
            .iter()
            .map(|&v| v as u32)
            .collect();
        let stop = if ids.last() == Some(&c.eos_id) {
            StopReason::EndToken
        } else {
            StopReason::MaxLength
        };
        let v = c.tgt_vocab_size;
        let logits = &values[l.len..l.len + steps * v];
        let mut rows = Vec::with_capacity(steps * s);
        for t in 0..steps {
            let start = l.alpha + t * c.max_src_len;
            rows.extend_from_slice(&values[start..start + s]);
        }
        Seq2SeqOutput {
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
