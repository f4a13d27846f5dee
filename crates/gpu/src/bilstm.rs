//! The BiLSTM + additive-attention classifier on the GPU, equal to `attnscope_core::bilstm`.
//!
//! Load is three steps: check the limits, upload the weights (each LSTM layer as
//! [`BiLstmLayer`]) and size the working buffers for `max_len`, then plan. Per layer of the
//! plan, one matmul projects every step of both directions at once
//! (P = X·[W_ih→; W_ih←]ᵀ + [b_ih→ + b_hh→; b_ih← + b_hh←]), then `lstm.wgsl` runs the
//! recurrence with one workgroup per direction looping over time inside the shader. Then
//! tanh(W·S + b) and vᵀ·(…) are two matmuls, `additive_pool.wgsl` takes the masked softmax and
//! the context, and `head.wgsl` the classifier and its softmax. One compute pass, one submit,
//! one readback (pooling weights and class scores; the states stay on the GPU).

use crate::buffers;
use crate::classifier_io::ClassifierIo;
use crate::kernel::Kernel;
use crate::kernels::matmul::{self, Activation};
use crate::kernels::{additive_pool, embed, head, lstm};
use crate::plan::{Loaded, Planned, Region, Steps};
use crate::weights::{BiLstmLayer, Tensors};
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::bilstm::BiLstmOutput;
use attnscope_core::config::{BiLstmConfig, ModelConfig};
use attnscope_core::trace::Interventions;
use attnscope_core::weights::WeightStore;
use attnscope_core::Matrix;

/// Largest hidden size `lstm.wgsl` holds.
pub const MAX_HIDDEN: usize = lstm::MAX_HIDDEN;
/// Longest input `additive_pool.wgsl` holds in workgroup memory.
pub const MAX_T: usize = additive_pool::MAX_T;

/// The kernels of the classifier, compiled once per model.
struct Kernels {
    matmul: Kernel,
    embed: Kernel,
    lstm: Kernel,
    pool: Kernel,
    head: Kernel,
}

/// The weights on the GPU.
struct Weights {
    embedding: wgpu::Buffer,
    layers: Vec<BiLstmLayer>,
    /// W and b of tanh(W·S + b), and v of vᵀ·(…).
    attention: [wgpu::Buffer; 3],
    /// The classifier's [W | b], as `head.wgsl` reads it.
    classifier: wgpu::Buffer,
}

impl Weights {
    fn upload(device: &wgpu::Device, c: &BiLstmConfig, tensors: &Tensors) -> Self {
        let upload = |name: &str| buffers::upload(device, name, tensors.get(name));
        Self {
            embedding: upload("embedding.weight"),
            layers: (0..c.num_layers)
                .map(|l| BiLstmLayer::upload(device, tensors, "lstm", l, c.hidden_size))
                .collect(),
            attention: [
                upload("attention.proj.weight"),
                upload("attention.proj.bias"),
                upload("attention.v.weight"),
            ],
            classifier: buffers::upload(
                device,
                "classifier",
                &[
                    tensors.get("classifier.weight"),
                    tensors.get("classifier.bias"),
                ]
                .concat(),
            ),
        }
    }
}

/// The working buffers, sized once for `max_len` steps.
struct Buffers {
    /// Ids, the key mask, logits, probabilities, staging.
    io: ClassifierIo,
    /// Zeros in place of a positional encoding (the embed kernel adds a table).
    zeros: wgpu::Buffer,
    /// The embeddings (T × E).
    x: wgpu::Buffer,
    /// Both directions' input projections (T × 8H).
    proj: wgpu::Buffer,
    /// Layer outputs, alternating (T × 2H each).
    states: [wgpu::Buffer; 2],
    /// Final h and c of a layer (a translator reads them; the classifier does not).
    last: wgpu::Buffer,
    /// tanh(W·S + b) (T × A) and the scores vᵀ·(…) (T).
    hidden: wgpu::Buffer,
    scores: wgpu::Buffer,
    /// [context (2H) | pooling weights (T)], the weights read back.
    out: wgpu::Buffer,
}

impl Buffers {
    fn new(device: &wgpu::Device, c: &BiLstmConfig) -> Self {
        // Sized once for max_len; a shorter input uses a prefix. Two state buffers alternate
        // between layers so a layer never reads the buffer it writes.
        let (t, e, h) = (c.max_len, c.embedding_dim, c.hidden_size);
        let work = |label: &str, floats: usize| {
            buffers::storage(device, label, floats, wgpu::BufferUsages::COPY_DST)
        };
        Self {
            io: ClassifierIo::new(device, t, t, &c.labels, t),
            zeros: work("no positional encoding", t * e),
            x: work("x", t * e),
            proj: work("proj", t * 8 * h),
            states: [work("states_a", t * 2 * h), work("states_b", t * 2 * h)],
            last: work("final states (unused by the classifier)", 4 * h),
            hidden: work("attention hidden", t * c.attention_dim),
            scores: work("scores", t),
            out: buffers::storage(
                device,
                "context and pooling",
                2 * h + t,
                wgpu::BufferUsages::COPY_SRC,
            ),
        }
    }
}

/// A BiLSTM classifier loaded onto the GPU.
pub struct GpuBiLstm {
    planned: Planned,
    config: BiLstmConfig,
    buffers: Buffers,
}

/// Refuses a model the kernels or the device cannot hold, naming the limit.
fn check_limits(context: &GpuContext, c: &BiLstmConfig) -> Result<(), LoadError> {
    // lstm.wgsl runs one thread per hidden unit in one workgroup (H ≤ 256), and the pooling
    // holds every score of the sequence in workgroup memory (T ≤ 1024).
    let (e, h) = (c.embedding_dim, c.hidden_size);
    LoadError::check("hidden_size (lstm kernel)", h, MAX_HIDDEN)?;
    LoadError::check("max_len (pooling kernel)", c.max_len, MAX_T)?;
    LoadError::check("labels (head kernel)", c.labels.len(), head::MAX_CLASSES)?;
    LoadError::check_storage(
        context,
        &[c.vocab_size * e, c.max_len * 8 * h, 8 * h * (2 * h).max(e)],
    )
}

impl Loaded for GpuBiLstm {
    fn planned(&self) -> &Planned {
        &self.planned
    }
}

impl GpuBiLstm {
    /// Checks the limits, uploads the model, compiles its kernels and plans its forward.
    pub async fn load(
        context: &GpuContext,
        config: BiLstmConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        check_limits(context, &config)?;
        let device = &context.device;
        let model = ModelConfig::BiLstmAttentionClassifier(config.clone());
        let weights = Weights::upload(device, &config, &Tensors::read(&model, store)?);
        let buffers = Buffers::new(device, &config);
        let kernels = Kernels {
            matmul: matmul::kernel(context).await?,
            embed: embed::kernel(context).await?,
            lstm: lstm::kernel(context, config.hidden_size).await?,
            pool: additive_pool::kernel(context).await?,
            head: head::kernel(context).await?,
        };
        let steps = plan(device, &config, &kernels, &weights, &buffers);
        Ok(Self {
            planned: Planned {
                context: context.clone(),
                steps,
            },
            config,
            buffers,
        })
    }

    /// What each dispatch of a forward on `ids` adds to its wall time, and the floor (see
    /// [`Steps::profile`]). Native only.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn profile(
        &self,
        ids: &[u32],
        repeats: usize,
    ) -> Result<(f64, Vec<(&'static str, f64)>), GpuError> {
        self.forward(ids, &Interventions::default()).await?;
        let t = ids.len().min(self.config.max_len) as u32;
        Ok(self
            .planned
            .steps
            .profile(&self.planned.context, t, repeats))
    }

    /// Runs the classifier on `ids` (at most `max_len`) with the interventions (masked tokens
    /// and temperature; a BiLSTM has no heads): one submit, one readback of the pooling weights
    /// and class scores. `states` is left empty: no view draws it, so it stays on the GPU.
    pub async fn forward(&self, ids: &[u32], iv: &Interventions) -> Result<BiLstmOutput, GpuError> {
        let (c, b) = (&self.config, &self.buffers);
        let t = ids.len().min(c.max_len);
        // The key mask for every position up to max_len (1 = masked).
        let flags: Vec<u32> = (0..c.max_len).map(|j| iv.is_masked(j) as u32).collect();
        // Read back the pooling weights (after the 2H context), then the class scores.
        let width = 2 * c.hidden_size;
        let pooling = Region::new(&b.out, width, t);
        let scale = 1.0 / iv.temperature();
        let label = "bilstm forward";
        let read =
            b.io.forward(
                &self.planned.context,
                &self.planned.steps,
                label,
                &ids[..t],
                &flags,
                scale,
                &[pooling],
            )
            .await?;
        Ok(BiLstmOutput {
            classification: read.classification,
            pooling: read.attention,
            states: Matrix::zeros(0, width),
            detail: None, // the teaching views' steps come from the CPU reference
        })
    }
}

/// The forward as steps, in the order core's `BiLstmAttentionClassifier::forward` runs.
fn plan(device: &wgpu::Device, c: &BiLstmConfig, k: &Kernels, w: &Weights, b: &Buffers) -> Steps {
    let (e, h, a, classes) = (
        c.embedding_dim,
        c.hidden_size,
        c.attention_dim,
        c.labels.len(),
    );
    let mut steps = Steps::default();
    let identity = Activation::Identity as usize;
    // X = E[ids] (no positional encoding: a zero table).
    let embed_in = [&b.io.ids, &w.embedding, &b.zeros, &b.x];
    steps.push(device, &k.embed, 0, &embed_in, embed::plan(e, 1.0));
    // Each layer: P = X·W_ihᵀ + b for both directions, then the recurrence → states.
    let (mut input, mut width) = (&b.x, e);
    for (l, layer) in w.layers.iter().enumerate() {
        let project = [input, &layer.w_ih, &layer.bias, &b.proj];
        steps.push(
            device,
            &k.matmul,
            identity,
            &project,
            matmul::plan(width, 8 * h, true),
        );
        let output = &b.states[l % 2];
        let recur = [&b.proj, &layer.w_hh, output, &b.last];
        steps.push(
            device,
            &k.lstm,
            layer.precision as usize,
            &recur,
            lstm::plan(),
        );
        (input, width) = (output, 2 * h);
    }
    let top = input;
    // Scores s = vᵀ·tanh(W·S + b), then the pooling weights and the context.
    let [att_w, att_b, att_v] = &w.attention;
    let tanh = Activation::Tanh as usize;
    steps.push(
        device,
        &k.matmul,
        tanh,
        &[top, att_w, att_b, &b.hidden],
        matmul::plan(2 * h, a, true),
    );
    // (v is bound again as the unused bias: bindings may not be absent.)
    let score = [&b.hidden, att_v, att_v, &b.scores];
    steps.push(
        device,
        &k.matmul,
        identity,
        &score,
        matmul::plan(a, 1, false),
    );
    let pool = [&b.scores, &b.io.flags, top, &b.out];
    steps.push(device, &k.pool, 0, &pool, additive_pool::plan(2 * h));
    // The classifier on the context (row 0 of `out`) and its softmax; the key mask is bound
    // but not read, the context being pooled already.
    let classify = [&b.out, &b.io.flags, &w.classifier, &b.io.scores];
    steps.push(
        device,
        &k.head,
        0,
        &classify,
        head::plan(2 * h, classes, false),
    );
    steps
}
