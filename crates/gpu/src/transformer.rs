//! The Transformer encoder classifier on the GPU, equal to `attnscope_core::transformer`.
//!
//! At load: weights and the positional-encoding table (from core, so both engines add the
//! same values) are uploaded, every buffer is sized for `max_len`, and the whole forward is
//! planned as a list of steps (pipeline, bind group, uniform). A forward writes T, the masks
//! and the head mask into uniforms and small buffers, records every step into one compute
//! pass, copies the attention maps and the class scores into one staging buffer, submits
//! once and awaits one readback. Nothing is compiled or allocated per forward.

use crate::buffers;
use crate::kernel::{groups_1d, Binding, Kernel};
use crate::matmul::{self, Activation};
use crate::plan::{self, f32_bits, submit_and_read, Plan, Region, Steps};
use crate::{GpuContext, GpuError};
use attnscope_core::config::{Activation as CoreActivation, Pooling, TransformerConfig};
use attnscope_core::manifest;
use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use attnscope_core::trace::{Classification, Interventions, SelfAttention};
use attnscope_core::transformer::TransformerOutput;
use attnscope_core::weights::WeightStore;
use attnscope_core::ModelError;
use std::collections::HashMap;

/// Longest input the attention kernel holds in workgroup memory (`MAX_T` in attention.wgsl).
pub const MAX_T: usize = 1024;

pub use crate::LoadError;

/// The seven kernels of the encoder.
struct Kernels {
    matmul: Kernel,
    attention: Kernel,
    layernorm: Kernel,
    add: Kernel,
    embed: Kernel,
    pool: Kernel,
    softmax: Kernel,
}

/// Adds one step to the plan: kernel, pipeline variant, buffers (after the uniform), plan.
type PushStep<'a> = dyn FnMut(&Kernel, usize, &[&wgpu::Buffer], Plan) + 'a;

/// A Transformer loaded onto the GPU.
pub struct GpuTransformer {
    context: GpuContext,
    config: TransformerConfig,
    steps: Steps,
    ids: wgpu::Buffer,
    flags: wgpu::Buffer,
    maps: wgpu::Buffer,
    logits: wgpu::Buffer,
    probabilities: wgpu::Buffer,
    staging: wgpu::Buffer,
}

impl GpuTransformer {
    /// Uploads a model and plans its forward.
    pub async fn load(
        context: &GpuContext,
        config: TransformerConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        let device = &context.device;
        let (d, ff, heads, layers, classes, max_len) = (
            config.d_model,
            config.d_ff,
            config.n_heads,
            config.n_layers,
            config.labels.len(),
            config.max_len,
        );
        LoadError::check("max_len (attention kernel)", max_len, MAX_T)?;
        let biggest = [
            layers * heads * max_len * max_len,
            max_len * ff,
            max_len * 3 * d,
            config.vocab_size * d,
        ]
        .into_iter()
        .max()
        .unwrap_or(0) as u64
            * 4;
        let limit = context.limits.max_storage_buffer_binding_size;
        if biggest > limit {
            return Err(LoadError::TooLarge {
                what: "storage buffer bytes",
                needed: biggest,
                limit,
            });
        }
        use Binding::{Read, ReadWrite, Uniform};
        let kernels = Kernels {
            matmul: matmul::kernel(context).await?,
            attention: Kernel::new(
                context,
                "attention.wgsl",
                include_str!("kernels/attention.wgsl"),
                &[Uniform, Read, Read, ReadWrite, ReadWrite],
                &[],
            )
            .await?,
            layernorm: Kernel::new(
                context,
                "layernorm.wgsl",
                include_str!("kernels/layernorm.wgsl"),
                &[Uniform, Read, Read, Read, ReadWrite],
                &[],
            )
            .await?,
            add: Kernel::new(
                context,
                "add.wgsl",
                include_str!("kernels/add.wgsl"),
                &[Uniform, Read, Read, ReadWrite],
                &[],
            )
            .await?,
            embed: Kernel::new(
                context,
                "embed.wgsl",
                include_str!("kernels/embed.wgsl"),
                &[Uniform, Read, Read, Read, ReadWrite],
                &[],
            )
            .await?,
            pool: Kernel::new(
                context,
                "pool.wgsl",
                include_str!("kernels/pool.wgsl"),
                &[Uniform, Read, Read, ReadWrite],
                &[],
            )
            .await?,
            softmax: Kernel::new(
                context,
                "softmax.wgsl",
                include_str!("kernels/softmax.wgsl"),
                &[Uniform, Read, ReadWrite],
                &[],
            )
            .await?,
        };

        // Weights, by their PyTorch names (checked exactly as the CPU loader checks them).
        // LayerNorms are uploaded as one [γ | β] buffer each, under the name of their prefix.
        let mut values = HashMap::new();
        for (name, shape) in manifest::tensors(
            &attnscope_core::config::ModelConfig::TransformerEncoderClassifier(config.clone()),
        ) {
            values.insert(name.clone(), store.tensor(&name, &shape)?);
        }
        let mut weights = HashMap::new();
        let upload = |label: &str, data: &[f32]| buffers::upload(device, label, data);
        for (name, data) in &values {
            if let Some(prefix) = name
                .strip_suffix(".weight")
                .filter(|p| values.contains_key(&format!("{p}.bias")) && p.contains("norm"))
            {
                let affine = [data.as_slice(), &values[&format!("{prefix}.bias")]].concat();
                weights.insert(prefix.to_owned(), upload(prefix, &affine));
            } else {
                weights.insert(name.clone(), upload(name, data));
            }
        }
        let w = |name: String| {
            weights
                .get(&name)
                .unwrap_or_else(|| panic!("{name} is uploaded"))
        };
        let pe = positional_encoding(&PeParams::new(max_len, d, config.pe_base).map_err(|e| {
            ModelError::ConfigField {
                field: "d_model",
                reason: e.to_string(),
            }
        })?);
        let pe = buffers::upload(device, "pe", pe.matrix().as_slice());

        let storage = |label: &str, floats: usize, extra: wgpu::BufferUsages| {
            buffers::storage(device, label, floats, extra)
        };
        let copy_dst = wgpu::BufferUsages::COPY_DST;
        let copy_src = wgpu::BufferUsages::COPY_SRC;
        let (x_a, x_b, x_c) = (
            storage("x_a", max_len * d, copy_dst),
            storage("x_b", max_len * d, copy_dst),
            storage("x_c", max_len * d, copy_dst),
        );
        let qkv = storage("qkv", max_len * 3 * d, copy_dst);
        let heads_out = storage("heads", max_len * d, copy_dst);
        let tmp = storage("tmp", max_len * d, copy_dst);
        let ff_buf = storage("ff", max_len * ff, copy_dst);
        let pooled = storage("pooled", d, copy_dst);
        let ids = storage("ids", max_len, copy_dst);
        let flags = storage("flags", max_len + layers * heads, copy_dst); // [key mask (max_len) | head mask (L·H)]
        let maps = storage("maps", layers * heads * max_len * max_len, copy_src);
        let logits = storage("logits", classes, copy_src);
        let probabilities = storage("probabilities", classes, copy_src);
        let staging = buffers::staging(
            device,
            "staging",
            layers * heads * max_len * max_len + 2 * classes,
        );

        let mut steps = Steps::default();
        let mut step = |kernel: &Kernel, variant: usize, buffers: &[&wgpu::Buffer], plan: Plan| {
            steps.push(device, kernel, variant, buffers, plan)
        };
        let (du, ffu, hu, cu) = (d as u32, ff as u32, heads as u32, classes as u32);
        let linear =
            |rows: Option<u32>, k: u32, n: u32| matmul::plan(rows, k as usize, n as usize, true);
        let norm = |add: bool, eps: f32| -> Plan {
            Box::new(move |t, _| ([t, du, f32_bits(eps), add as u32, 0, 0, 0, 0], [t, 1, 1]))
        };
        let residual = || -> Plan {
            Box::new(move |t, _| ([t * du, 0, 0, 0, 0, 0, 0, 0], groups_1d(t * du, 256)))
        };
        let act = match config.activation {
            CoreActivation::Relu => Activation::Relu as usize,
            CoreActivation::Gelu => Activation::Gelu as usize,
        };
        let eps = config.layer_norm_eps;
        let scale = if config.scale_embedding {
            (d as f32).sqrt()
        } else {
            1.0
        };
        let k = &kernels;

        step(
            &k.embed,
            0,
            &[&ids, w("embedding.weight".into()), &pe, &x_a],
            plan::embed(d, scale),
        );
        for l in 0..layers {
            let p = |part: &str| w(format!("layers.{l}.{part}"));
            let lu = l as u32;
            let heads_at = max_len as u32;
            let attention = move || -> Plan {
                Box::new(move |t, scale| {
                    (
                        [t, du, hu, du / hu, f32_bits(scale), lu, heads_at, 0],
                        [t, hu, 1],
                    )
                })
            };
            // MHA(input) → tmp: QKV projection, fused attention, output projection.
            let self_attention = |step: &mut PushStep, input: &wgpu::Buffer| {
                step(
                    &k.matmul,
                    0,
                    &[
                        input,
                        p("self_attn.in_proj_weight"),
                        p("self_attn.in_proj_bias"),
                        &qkv,
                    ],
                    linear(None, du, 3 * du),
                );
                step(
                    &k.attention,
                    0,
                    &[&qkv, &flags, &maps, &heads_out],
                    attention(),
                );
                step(
                    &k.matmul,
                    0,
                    &[
                        &heads_out,
                        p("self_attn.out_proj.weight"),
                        p("self_attn.out_proj.bias"),
                        &tmp,
                    ],
                    linear(None, du, du),
                );
            };
            // FF(input) → tmp: act(input·W₁ᵀ + b₁)·W₂ᵀ + b₂.
            let feed_forward = |step: &mut PushStep, input: &wgpu::Buffer| {
                step(
                    &k.matmul,
                    act,
                    &[input, p("linear1.weight"), p("linear1.bias"), &ff_buf],
                    linear(None, du, ffu),
                );
                step(
                    &k.matmul,
                    0,
                    &[&ff_buf, p("linear2.weight"), p("linear2.bias"), &tmp],
                    linear(None, ffu, du),
                );
            };
            if config.norm_first {
                // x_c = x + MHA(LN₁(x));  x = x_c + FF(LN₂(x_c))
                step(
                    &k.layernorm,
                    0,
                    &[&x_a, &tmp, p("norm1"), &x_b],
                    norm(false, eps),
                );
                self_attention(&mut step, &x_b);
                step(&k.add, 0, &[&x_a, &tmp, &x_c], residual());
                step(
                    &k.layernorm,
                    0,
                    &[&x_c, &tmp, p("norm2"), &x_b],
                    norm(false, eps),
                );
                feed_forward(&mut step, &x_b);
                step(&k.add, 0, &[&x_c, &tmp, &x_a], residual());
            } else {
                // x_b = LN₁(x + MHA(x));  x = LN₂(x_b + FF(x_b))
                self_attention(&mut step, &x_a);
                step(
                    &k.layernorm,
                    0,
                    &[&x_a, &tmp, p("norm1"), &x_b],
                    norm(true, eps),
                );
                feed_forward(&mut step, &x_b);
                step(
                    &k.layernorm,
                    0,
                    &[&x_b, &tmp, p("norm2"), &x_a],
                    norm(true, eps),
                );
            }
        }
        let last = if config.final_norm {
            step(
                &k.layernorm,
                0,
                &[&x_a, &tmp, w("final_norm".into()), &x_b],
                norm(false, eps),
            );
            &x_b
        } else {
            &x_a
        };
        let mean = (config.pooling == Pooling::Mean) as u32;
        step(
            &k.pool,
            0,
            &[last, &flags, &pooled],
            Box::new(move |t, _| ([t, du, mean, 0, 0, 0, 0, 0], [du.div_ceil(64), 1, 1])),
        );
        step(
            &k.matmul,
            0,
            &[
                &pooled,
                w("classifier.weight".into()),
                w("classifier.bias".into()),
                &logits,
            ],
            linear(Some(1), du, cu),
        );
        step(
            &k.softmax,
            0,
            &[&logits, &probabilities],
            Box::new(move |_, _| ([cu, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1])),
        );

        Ok(Self {
            context: context.clone(),
            config,
            steps,
            ids,
            flags,
            maps,
            logits,
            probabilities,
            staging,
        })
    }

    /// How many dispatches one forward records (all in one compute pass).
    pub fn dispatches(&self) -> usize {
        self.steps.len()
    }

    /// The context the model was loaded on.
    pub fn context(&self) -> &GpuContext {
        &self.context
    }

    /// Runs the encoder on `ids` (at most `max_len`) with the interventions: one submit, one
    /// readback (attention maps and class scores). The inspected head's Q, K, V are not read
    /// back (the CPU reference provides them for teaching views).
    pub async fn forward(
        &self,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<TransformerOutput, GpuError> {
        if let Some(reason) = self.context.lost() {
            return Err(GpuError::DeviceLost(reason));
        }
        let c = &self.config;
        let t = ids.len().min(c.max_len);
        let (layers, heads, classes) = (c.n_layers, c.n_heads, c.labels.len());
        let queue = &self.context.queue;
        let scale = 1.0 / (((c.d_model / heads) as f32).sqrt() * iv.temperature());
        self.steps.write_uniforms(queue, t as u32, scale);
        let max_len = c.max_len;
        let flags: Vec<u32> = (0..max_len)
            .map(|j| iv.is_masked(j) as u32)
            .chain((0..layers * heads).map(|i| iv.is_off(i / heads, i % heads) as u32))
            .collect();
        let id_words: Vec<u32> = if t == 0 { vec![0] } else { ids[..t].to_vec() };
        queue.write_buffer(&self.ids, 0, bytemuck::cast_slice(&id_words));
        queue.write_buffer(&self.flags, 0, bytemuck::cast_slice(&flags));
        let device = &self.context.device;
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("transformer forward"),
        });
        self.steps
            .record(&mut encoder, "transformer forward", t as u32, scale);
        let map_floats = layers * heads * t * t;
        let values = submit_and_read(
            &self.context,
            encoder,
            &[
                Region::new(&self.maps, 0, map_floats),
                Region::new(&self.logits, 0, classes),
                Region::new(&self.probabilities, 0, classes),
            ],
            &self.staging,
        )
        .await?;
        Ok(TransformerOutput {
            classification: Classification {
                labels: c.labels.clone(),
                logits: values[map_floats..map_floats + classes].to_vec(),
                probabilities: values[map_floats + classes..].to_vec(),
            },
            attention: SelfAttention {
                layers,
                heads,
                len: t,
                weights: values[..map_floats].to_vec(),
            },
            detail: None,
        })
    }
}
