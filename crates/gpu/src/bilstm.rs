//! The BiLSTM + additive-attention classifier on the GPU, equal to `attnscope_core::bilstm`.
//!
//! Per layer: one matmul projects every step of both directions at once
//! (P = X·[W_ih→; W_ih←]ᵀ + [b_ih→ + b_hh→; b_ih← + b_hh←]), then `lstm.wgsl` runs the
//! recurrence with one workgroup per direction looping over time inside the shader. Then
//! tanh(W·S + b) and vᵀ·(…) are two matmuls, `additive_pool.wgsl` takes the masked softmax and
//! the context, and the classifier is a matmul and a softmax. One compute pass, one submit,
//! one readback (pooling weights and class scores; the states stay on the GPU).

use crate::buffers;
use crate::kernel::{pad_rows_to_vec4, Binding, Kernel};
use crate::matmul::{self, Activation};
use crate::plan::{self, f32_bits, submit_and_read, Region, Steps};
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::bilstm::BiLstmOutput;
use attnscope_core::config::{BiLstmConfig, ModelConfig};
use attnscope_core::manifest;
use attnscope_core::trace::{Classification, Interventions};
use attnscope_core::weights::WeightStore;
use attnscope_core::Matrix;
use std::collections::HashMap;

/// Largest hidden size `lstm.wgsl` holds (`MAX_H`: one thread per hidden unit).
pub const MAX_HIDDEN: usize = 256;
/// Longest input `additive_pool.wgsl` holds in workgroup memory (`MAX_T`).
pub const MAX_T: usize = 1024;

/// A BiLSTM classifier loaded onto the GPU.
pub struct GpuBiLstm {
    context: GpuContext,
    config: BiLstmConfig,
    steps: Steps,
    ids: wgpu::Buffer,
    flags: wgpu::Buffer,
    out: wgpu::Buffer,
    logits: wgpu::Buffer,
    probabilities: wgpu::Buffer,
    staging: wgpu::Buffer,
}

impl GpuBiLstm {
    /// Uploads a model, compiles its kernels and plans its forward.
    pub async fn load(
        context: &GpuContext,
        config: BiLstmConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        let device = &context.device;
        let (e, h, a, layers, classes, max_len) = (
            config.embedding_dim,
            config.hidden_size,
            config.attention_dim,
            config.num_layers,
            config.labels.len(),
            config.max_len,
        );
        LoadError::check("hidden_size (lstm kernel)", h, MAX_HIDDEN)?;
        LoadError::check("max_len (pooling kernel)", max_len, MAX_T)?;
        let limit = context.limits.max_storage_buffer_binding_size as usize;
        let biggest = [
            config.vocab_size * e,
            max_len * 8 * h,
            8 * h * (2 * h).max(e),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
            * 4;
        LoadError::check("storage buffer bytes", biggest, limit)?;

        use Binding::{Read, ReadWrite, Uniform};
        let matmul_kernel = matmul::kernel(context).await?;
        let embed = Kernel::new(
            context,
            "embed.wgsl",
            include_str!("kernels/embed.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            &[],
        )
        .await?;
        let lstm = Kernel::new(
            context,
            "lstm.wgsl",
            include_str!("kernels/lstm.wgsl"),
            &[Uniform, Read, Read, ReadWrite, ReadWrite],
            &[&[("H", h as f64), ("Q", h.div_ceil(4) as f64)]],
        )
        .await?;
        let pool = Kernel::new(
            context,
            "additive_pool.wgsl",
            include_str!("kernels/additive_pool.wgsl"),
            &[Uniform, Read, Read, Read, ReadWrite],
            &[],
        )
        .await?;
        let softmax = Kernel::new(
            context,
            "softmax.wgsl",
            include_str!("kernels/softmax.wgsl"),
            &[Uniform, Read, ReadWrite],
            &[],
        )
        .await?;

        // Weights by their PyTorch names, checked exactly as the CPU loader checks them.
        let mut values = HashMap::new();
        for (name, shape) in
            manifest::tensors(&ModelConfig::BiLstmAttentionClassifier(config.clone()))
        {
            values.insert(name.clone(), store.tensor(&name, &shape)?);
        }
        let upload = |label: &str, data: &[f32]| buffers::upload(device, label, data);
        let v = |name: &str| values[name].as_slice();
        let embedding = upload("embedding", v("embedding.weight"));
        // Per layer: [W_ih→; W_ih←] (8H × in), [b_ih→ + b_hh→; b_ih← + b_hh←] (8H),
        // [W_hh→; W_hh←] (2 · 4H × ⌈H/4⌉ vec4s, rows zero-padded).
        let mut layer_weights = Vec::new();
        for l in 0..layers {
            let part = |kind: &str, reverse: bool| {
                let suffix = if reverse { "_reverse" } else { "" };
                v(&format!("lstm.{kind}_l{l}{suffix}"))
            };
            let bias = |reverse: bool| -> Vec<f32> {
                part("bias_ih", reverse)
                    .iter()
                    .zip(part("bias_hh", reverse))
                    .map(|(x, y)| x + y)
                    .collect()
            };
            layer_weights.push((
                upload(
                    "w_ih",
                    &[part("weight_ih", false), part("weight_ih", true)].concat(),
                ),
                upload("b", &[bias(false), bias(true)].concat()),
                upload(
                    "w_hh",
                    &[
                        pad_rows_to_vec4(part("weight_hh", false), 4 * h, h),
                        pad_rows_to_vec4(part("weight_hh", true), 4 * h, h),
                    ]
                    .concat(),
                ),
            ));
        }
        let attention_w = upload("attention.proj.weight", v("attention.proj.weight"));
        let attention_b = upload("attention.proj.bias", v("attention.proj.bias"));
        let attention_v = upload("attention.v.weight", v("attention.v.weight"));
        let classifier_w = upload("classifier.weight", v("classifier.weight"));
        let classifier_b = upload("classifier.bias", v("classifier.bias"));

        let storage = |label: &str, floats: usize, extra: wgpu::BufferUsages| {
            buffers::storage(device, label, floats, extra)
        };
        let copy_dst = wgpu::BufferUsages::COPY_DST;
        let copy_src = wgpu::BufferUsages::COPY_SRC;
        let zeros = storage("no positional encoding", max_len * e, copy_dst); // zero-initialised
        let x = storage("x", max_len * e, copy_dst);
        let proj = storage("proj", max_len * 8 * h, copy_dst);
        let states = [
            storage("states_a", max_len * 2 * h, copy_dst),
            storage("states_b", max_len * 2 * h, copy_dst),
        ];
        let hidden = storage("attention hidden", max_len * a, copy_dst);
        let last = storage("final states (unused by the classifier)", 4 * h, copy_dst);
        let scores = storage("scores", max_len, copy_dst);
        let ids = storage("ids", max_len, copy_dst);
        let flags = storage("flags", max_len, copy_dst);
        let out = storage("context and pooling", 2 * h + max_len, copy_src);
        let logits = storage("logits", classes, copy_src);
        let probabilities = storage("probabilities", classes, copy_src);
        let staging = buffers::staging(device, "staging", max_len + 2 * classes);

        let mut steps = Steps::default();
        steps.push(
            device,
            &embed,
            0,
            &[&ids, &embedding, &zeros, &x],
            plan::embed(e, 1.0),
        );
        let hu = h as u32;
        let mut input = &x;
        let mut width = e;
        for (l, (w_ih, b, w_hh)) in layer_weights.iter().enumerate() {
            steps.push(
                device,
                &matmul_kernel,
                Activation::Identity as usize,
                &[input, w_ih, b, &proj],
                matmul::plan(None, width, 8 * h, true),
            );
            let output = &states[l % 2];
            steps.push(
                device,
                &lstm,
                0,
                &[&proj, w_hh, output, &last],
                Box::new(move |t, _| ([t, hu, 0, 0, 0, 0, 0, 0], [2, 1, 1])),
            );
            input = output;
            width = 2 * h;
        }
        let top = input;
        steps.push(
            device,
            &matmul_kernel,
            Activation::Tanh as usize,
            &[top, &attention_w, &attention_b, &hidden],
            matmul::plan(None, 2 * h, a, true),
        );
        steps.push(
            device,
            &matmul_kernel,
            Activation::Identity as usize,
            &[&hidden, &attention_v, &attention_v, &scores],
            matmul::plan(None, a, 1, false),
        );
        let wu = (2 * h) as u32;
        steps.push(
            device,
            &pool,
            0,
            &[&scores, &flags, top, &out],
            Box::new(move |t, scale| ([t, wu, f32_bits(scale), 0, 0, 0, 0, 0], [1, 1, 1])),
        );
        steps.push(
            device,
            &matmul_kernel,
            Activation::Identity as usize,
            &[&out, &classifier_w, &classifier_b, &logits],
            matmul::plan(Some(1), 2 * h, classes, true),
        );
        let cu = classes as u32;
        steps.push(
            device,
            &softmax,
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
            out,
            logits,
            probabilities,
            staging,
        })
    }

    /// The context the model was loaded on.
    pub fn context(&self) -> &GpuContext {
        &self.context
    }

    /// How many dispatches one forward records (all in one compute pass).
    pub fn dispatches(&self) -> usize {
        self.steps.len()
    }

    /// Runs the classifier on `ids` (at most `max_len`) with the interventions (masked tokens
    /// and temperature; a BiLSTM has no heads): one submit, one readback of the pooling weights
    /// and class scores. `states` is left empty: no view draws it, so it stays on the GPU.
    pub async fn forward(&self, ids: &[u32], iv: &Interventions) -> Result<BiLstmOutput, GpuError> {
        if let Some(reason) = self.context.lost() {
            return Err(GpuError::DeviceLost(reason));
        }
        let c = &self.config;
        let t = ids.len().min(c.max_len);
        let classes = c.labels.len();
        let queue = &self.context.queue;
        let scale = 1.0 / iv.temperature();
        self.steps.write_uniforms(queue, t as u32, scale);
        let flags: Vec<u32> = (0..c.max_len).map(|j| iv.is_masked(j) as u32).collect();
        let id_words: Vec<u32> = if t == 0 { vec![0] } else { ids[..t].to_vec() };
        queue.write_buffer(&self.ids, 0, bytemuck::cast_slice(&id_words));
        queue.write_buffer(&self.flags, 0, bytemuck::cast_slice(&flags));
        let device = &self.context.device;
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("bilstm forward"),
        });
        self.steps
            .record(&mut encoder, "bilstm forward", t as u32, scale);
        let width = 2 * c.hidden_size;
        let values = submit_and_read(
            &self.context,
            encoder,
            &[
                Region::new(&self.out, width, t),
                Region::new(&self.logits, 0, classes),
                Region::new(&self.probabilities, 0, classes),
            ],
            &self.staging,
        )
        .await?;
        Ok(BiLstmOutput {
            classification: Classification {
                labels: c.labels.clone(),
                logits: values[t..t + classes].to_vec(),
                probabilities: values[t + classes..].to_vec(),
            },
            pooling: values[..t].to_vec(),
            states: Matrix::zeros(0, width),
        })
    }
}
