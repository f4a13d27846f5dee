//! The Transformer encoder classifier on the GPU, equal to `attnscope_core::transformer`.
//!
//! Load is three steps: check the device can hold the model, upload the weights (and the
//! positional-encoding table from core, so both engines add the same values) and size every
//! working buffer for `max_len`, then plan the whole forward as a list of kernel dispatches.
//! A forward writes T, the masks and the head mask, records every step into one compute
//! pass, copies the attention maps and the class scores into one staging buffer, submits
//! once and awaits one readback. Nothing is compiled or allocated per forward.

use crate::buffers;
use crate::classifier_io::ClassifierIo;
use crate::kernel::Kernel;
use crate::kernels::linear_residual::{self, Norm};
use crate::kernels::matmul::{self, Activation};
use crate::kernels::{attention, embed, head, layernorm};
use crate::plan::{Loaded, Plan, Planned, Region, Steps};
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::config::{
    Activation as CoreActivation, ModelConfig, Pooling, Positions, TransformerConfig,
};
use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use attnscope_core::trace::{Interventions, SelfAttention};
use attnscope_core::transformer::TransformerOutput;
use attnscope_core::weights::WeightStore;
use attnscope_core::{manifest, ModelError};
use std::collections::{HashMap, HashSet};

/// Longest input the attention kernel holds in workgroup memory.
pub const MAX_T: usize = attention::MAX_T;

/// The six kernels of the encoder, compiled once per model.
struct Kernels {
    matmul: Kernel,
    attention: Kernel,
    linear_residual: Kernel,
    layernorm: Kernel,
    embed: Kernel,
    head: Kernel,
}

impl Kernels {
    /// The kernels for `config` (the attention kernel is built for its head width).
    async fn compile(context: &GpuContext, config: &TransformerConfig) -> Result<Self, GpuError> {
        Ok(Self {
            matmul: matmul::kernel(context).await?,
            attention: attention::kernel(context, config.d_model / config.n_heads).await?,
            linear_residual: linear_residual::kernel(context).await?,
            layernorm: layernorm::kernel(context).await?,
            embed: embed::kernel(context).await?,
            head: head::kernel(context).await?,
        })
    }
}

/// The weights on the GPU, by PyTorch name, except where a kernel reads several tensors as
/// one buffer: a LayerNorm is [γ | β] under its prefix (`layers.0.norm1`); each layer's
/// `layers.{l}.attention_out` and `layers.{l}.feed_forward_out` are
/// [Wᵀ | b (| γ | β of the post-norm LayerNorm)] as `linear_residual.wgsl` reads them; the
/// classifier is [W | b] under `classifier`, as `head.wgsl` reads it.
struct Weights {
    buffers: HashMap<String, wgpu::Buffer>,
    /// The position table, max_len × d: sinusoidal, or the model's learned one.
    pe: wgpu::Buffer,
}

/// The two linear layers that end a sub-layer, with the LayerNorm after each in a post-norm
/// layer: (packed buffer, linear layer, LayerNorm).
const SUBLAYER_ENDS: [(&str, &str, &str); 2] = [
    ("attention_out", "self_attn.out_proj", "norm1"),
    ("feed_forward_out", "linear2", "norm2"),
];

impl Weights {
    fn upload(
        context: &GpuContext,
        config: &TransformerConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, ModelError> {
        let device = &context.device;
        let model = ModelConfig::TransformerEncoderClassifier(config.clone());
        let tensors = manifest::tensors(&model);
        let shapes: HashMap<&str, &[usize]> = tensors
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_slice()))
            .collect();
        // The tensors read into a packed buffer (each small beside the word embeddings).
        let mut packed = HashSet::new();
        let take = |packed: &mut HashSet<String>, name: &str| {
            let shape = shapes
                .get(name)
                .ok_or_else(|| ModelError::MissingTensor(name.to_owned()))?;
            packed.insert(name.to_owned());
            store.tensor(name, shape)
        };
        let mut buffers = HashMap::new();
        for l in 0..config.n_layers {
            for (label, linear, norm) in SUBLAYER_ENDS {
                let part = |p: &str| format!("layers.{l}.{p}");
                let w = take(&mut packed, &part(&format!("{linear}.weight")))?;
                let b = take(&mut packed, &part(&format!("{linear}.bias")))?;
                // Pre-norm layers keep their LayerNorms apart (they come before the
                // sub-layer); a post-norm layer's is applied after the residual sum here.
                let affine = if config.norm_first {
                    None
                } else {
                    Some((
                        take(&mut packed, &part(&format!("{norm}.weight")))?,
                        take(&mut packed, &part(&format!("{norm}.bias")))?,
                    ))
                };
                let norm = affine.as_ref().map(|(g, b)| (g.as_slice(), b.as_slice()));
                let k = w.len() / b.len().max(1);
                let values = linear_residual::pack(&w, k, &b, norm);
                let label = part(label);
                buffers.insert(label.clone(), buffers::upload(device, &label, &values));
            }
        }
        // The other LayerNorms as [γ | β], the classifier as [W | b].
        for (name, _) in &tensors {
            let pair = name
                .strip_suffix(".weight")
                .filter(|p| p.contains("norm") || *p == "classifier");
            if let Some(prefix) = pair.filter(|_| !packed.contains(name)) {
                let values = [
                    take(&mut packed, name)?,
                    take(&mut packed, &format!("{prefix}.bias"))?,
                ]
                .concat();
                buffers.insert(prefix.to_owned(), buffers::upload(device, prefix, &values));
            }
        }
        // Every other tensor under its name, in pieces of at most 1 Mi floats
        // (`buffers::upload_streamed`), so no tensor's whole f32 copy is ever in memory
        // beside the file and the CPU reference's weights (MiniLM's word embeddings are
        // 47 MB, and wasm memory never shrinks once grown).
        for (name, shape) in &tensors {
            if !packed.contains(name) {
                let buffer = buffers::upload_streamed(context, name, shape, store)?;
                buffers.insert(name.clone(), buffer);
            }
        }
        // The PE table for every position up to max_len, computed by core: the CPU path adds
        // the very same values, so the two engines cannot drift apart on the encoding. A
        // learned table (BERT) is the model's own.
        let pe =
            match config.positions {
                // Uploaded above under its name; the embed kernel reads it as the PE table.
                Positions::Learned => buffers
                    .remove("position_embedding.weight")
                    .expect("the manifest lists it"),
                Positions::Sinusoidal => {
                    let pe = PeParams::new(config.max_len, config.d_model, config.pe_base)
                        .map_err(|e| ModelError::ConfigField {
                            field: "d_model",
                            reason: e.to_string(),
                        })?;
                    buffers::upload(device, "pe", positional_encoding(&pe).matrix().as_slice())
                }
            };
        Ok(Self { buffers, pe })
    }

    fn get(&self, name: &str) -> &wgpu::Buffer {
        self.buffers
            .get(name)
            .unwrap_or_else(|| panic!("{name} is uploaded"))
    }
}

/// The working buffers, sized once for `max_len` tokens.
struct Buffers {
    /// Ids, flags [key mask (max_len) | head mask (L·H)], scores, staging.
    io: ClassifierIo,
    /// The residual stream and two scratch copies (T × d each); the last hidden state is
    /// read back from one of them.
    x: [wgpu::Buffer; 3],
    /// The QKV projection [Q | K | V] (T × 3d).
    qkv: wgpu::Buffer,
    /// The heads' outputs, concatenated (T × d).
    heads: wgpu::Buffer,
    /// The feed-forward hidden layer (T × d_ff).
    ff: wgpu::Buffer,
    /// Every attention map (L × H × T × T), read back.
    maps: wgpu::Buffer,
}

impl Buffers {
    fn new(device: &wgpu::Device, c: &TransformerConfig) -> Self {
        // Sized once for max_len: a forward at a shorter T uses a prefix of each, so typing
        // never allocates. Only the maps and the class scores are ever read back.
        let (d, t) = (c.d_model, c.max_len);
        let map_floats = c.n_layers * c.n_heads * t * t;
        let work = |label: &str, floats: usize| {
            buffers::storage(device, label, floats, wgpu::BufferUsages::COPY_DST)
        };
        let hidden = |label: &str| {
            let usage = wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC;
            buffers::storage(device, label, t * d, usage)
        };
        let flags = t + c.n_layers * c.n_heads;
        Self {
            io: ClassifierIo::new(device, t, flags, &c.labels, map_floats + t * d),
            x: [hidden("x_a"), hidden("x_b"), hidden("x_c")],
            qkv: work("qkv", t * 3 * d),
            heads: work("heads", t * d),
            ff: work("ff", t * c.d_ff),
            maps: buffers::storage(device, "maps", map_floats, wgpu::BufferUsages::COPY_SRC),
        }
    }
}

/// A Transformer loaded onto the GPU.
pub struct GpuTransformer {
    planned: Planned,
    config: TransformerConfig,
    buffers: Buffers,
}

/// Refuses a model the kernels or the device cannot hold, naming the limit.
fn check_limits(context: &GpuContext, c: &TransformerConfig) -> Result<(), LoadError> {
    // The maps grow as T² (max_len up to MAX_T); the attention kernel holds heads up to
    // MAX_DK wide; every buffer must fit one storage binding.
    LoadError::check("max_len (attention kernel)", c.max_len, MAX_T)?;
    LoadError::check(
        "d_model / n_heads (attention kernel)",
        c.d_model / c.n_heads.max(1),
        attention::MAX_DK,
    )?;
    // The head holds the pooled vector and the class scores in workgroup memory.
    LoadError::check("d_model (head kernel)", c.d_model, head::MAX_D)?;
    LoadError::check("labels (head kernel)", c.labels.len(), head::MAX_CLASSES)?;
    let t = c.max_len;
    LoadError::check_storage(
        context,
        &[
            c.n_layers * c.n_heads * t * t,
            t * c.d_ff,
            t * 3 * c.d_model,
            c.vocab_size * c.d_model,
        ],
    )
}

impl Loaded for GpuTransformer {
    fn planned(&self) -> &Planned {
        &self.planned
    }
}

impl GpuTransformer {
    /// Checks the limits, uploads the model, compiles its kernels and plans its forward.
    pub async fn load(
        context: &GpuContext,
        config: TransformerConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        check_limits(context, &config)?;
        let device = &context.device;
        let weights = Weights::upload(context, &config, store)?;
        let buffers = Buffers::new(device, &config);
        let kernels = Kernels::compile(context, &config).await?;
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

    /// Runs the encoder on `ids` (at most `max_len`) with the interventions: one submit, one
    /// readback (attention maps, the last hidden state and class scores). The inspected head's Q, K, V are not read
    /// back (the CPU reference provides them for teaching views).
    pub async fn forward(
        &self,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<TransformerOutput, GpuError> {
        let (c, b) = (&self.config, &self.buffers);
        let t = ids.len().min(c.max_len);
        let (layers, heads) = (c.n_layers, c.n_heads);
        let scale = 1.0 / (((c.d_model / heads) as f32).sqrt() * iv.temperature());
        // One buffer for both masks keeps attention.wgsl within WebGPU's four storage
        // buffers per stage: [key mask for every position | head mask per (layer, head)].
        let flags: Vec<u32> = (0..c.max_len)
            .map(|j| iv.is_masked(j) as u32)
            .chain((0..layers * heads).map(|i| iv.is_off(i / heads, i % heads) as u32))
            .collect();
        // Read back every map of this T, then the class scores.
        let map_floats = layers * heads * t * t;
        let maps = Region::new(&b.maps, 0, map_floats);
        let hidden = Region::new(output_buffer(c, b), 0, t * c.d_model);
        let label = "transformer forward";
        let mut read =
            b.io.forward(
                &self.planned.context,
                &self.planned.steps,
                label,
                &ids[..t],
                &flags,
                scale,
                &[maps, hidden],
            )
            .await?;
        let hidden = read.attention.split_off(map_floats);
        Ok(TransformerOutput {
            classification: read.classification,
            attention: SelfAttention {
                layers,
                heads,
                len: t,
                weights: read.attention,
                causal: c.causal,
            },
            detail: None,
            hidden: attnscope_core::Matrix::from_vec(t, c.d_model, hidden)
                .ok_or_else(|| GpuError::Readback("hidden state: wrong length".into()))?,
        })
    }
}

/// The buffer that holds the encoder's output once every step has run (see [`plan`]).
fn output_buffer<'a>(c: &TransformerConfig, b: &'a Buffers) -> &'a wgpu::Buffer {
    if c.final_norm {
        &b.x[1]
    } else {
        &b.x[0]
    }
}

/// The forward as steps, in the order core's `TransformerEncoderClassifier::forward` runs:
/// embedding + PE, each layer (pre- or post-norm), the final norm, the head (pooling, the
/// classifier and its softmax).
fn plan(
    device: &wgpu::Device,
    c: &TransformerConfig,
    k: &Kernels,
    w: &Weights,
    b: &Buffers,
) -> Steps {
    let mut steps = Steps::default();
    let d = c.d_model;
    let scale = if c.scale_embedding {
        (d as f32).sqrt()
    } else {
        1.0
    };
    let norm = || layernorm::plan(d, c.layer_norm_eps);
    // Three residual buffers rotate through a layer so that no kernel reads the buffer it
    // writes (WebGPU forbids binding one buffer as both read and read-write in a dispatch).
    let [x_a, x_b, x_c] = &b.x;
    // X = E[ids]·scale + PE → x_a, or with an embedding norm (BERT) LN(… → x_b) → x_a.
    let embedded = if c.embedding_norm { x_b } else { x_a };
    steps.push(
        device,
        &k.embed,
        0,
        &[&b.io.ids, w.get("embedding.weight"), &w.pe, embedded],
        embed::plan(d, scale),
    );
    if c.embedding_norm {
        let inputs = [x_b, w.get("embedding_norm"), x_a];
        steps.push(device, &k.layernorm, 0, &inputs, norm());
    }
    for l in 0..c.n_layers {
        let layer = Layer { c, k, w, b, l };
        let mut push = |kernel: &Kernel, variant, buffers: &[&wgpu::Buffer], plan| {
            steps.push(device, kernel, variant, buffers, plan)
        };
        if c.norm_first {
            // x_c = x + MHA(LN₁(x));  x = x_c + FF(LN₂(x_c))
            push(&k.layernorm, 0, &[x_a, layer.w("norm1"), x_b], norm());
            layer.self_attention(&mut push, x_b, x_a, x_c);
            push(&k.layernorm, 0, &[x_c, layer.w("norm2"), x_b], norm());
            layer.feed_forward(&mut push, x_b, x_c, x_a);
        } else {
            // x_b = LN₁(x + MHA(x));  x = LN₂(x_b + FF(x_b))
            layer.self_attention(&mut push, x_a, x_a, x_b);
            layer.feed_forward(&mut push, x_b, x_b, x_a);
        }
    }
    // The encoder's output: x_a, or LN(x_a) → x_b with a final norm.
    if c.final_norm {
        let inputs = [x_a, w.get("final_norm"), x_b];
        steps.push(device, &k.layernorm, 0, &inputs, norm());
    }
    // Pooling, logits and probabilities in one dispatch (an encoder without labels stops at
    // its hidden state).
    if !c.labels.is_empty() {
        let mean = c.pooling == Pooling::Mean;
        let inputs = [
            output_buffer(c, b),
            &b.io.flags,
            w.get("classifier"),
            &b.io.scores,
        ];
        let plan = head::plan(d, c.labels.len(), mean);
        steps.push(device, &k.head, 0, &inputs, plan);
    }
    steps
}

/// Adds one step: kernel, pipeline variant, buffers after the uniform, plan.
type Push<'a> = dyn FnMut(&Kernel, usize, &[&wgpu::Buffer], Plan) + 'a;

/// What the steps of encoder layer `l` read.
struct Layer<'a> {
    c: &'a TransformerConfig,
    k: &'a Kernels,
    w: &'a Weights,
    b: &'a Buffers,
    l: usize,
}

impl Layer<'_> {
    /// The layer's weight `layers.{l}.{part}`.
    fn w(&self, part: &str) -> &wgpu::Buffer {
        self.w.get(&format!("layers.{}.{part}", self.l))
    }

    /// A sub-layer's end, `input`·Wᵀ + b + `residual` → `output`, through the LayerNorm in a
    /// post-norm layer; `pack` is the [Wᵀ | b (| γ | β)] buffer, W being `k_in` wide.
    fn end(
        &self,
        push: &mut Push,
        pack: &str,
        k_in: usize,
        [input, residual, output]: [&wgpu::Buffer; 3],
    ) {
        let c = self.c;
        let norm = if c.norm_first {
            Norm::None
        } else {
            Norm::LayerNorm
        };
        push(
            &self.k.linear_residual,
            norm as usize,
            &[input, self.w(pack), residual, output],
            linear_residual::plan(k_in, c.d_model, c.layer_norm_eps),
        );
    }

    /// `output` = `residual` + MHA(`input`), normalised in a post-norm layer: the QKV
    /// projection, fused attention (maps kept), the output projection with the residual.
    fn self_attention(
        &self,
        push: &mut Push,
        input: &wgpu::Buffer,
        residual: &wgpu::Buffer,
        output: &wgpu::Buffer,
    ) {
        let (c, k, b) = (self.c, self.k, self.b);
        let d = c.d_model;
        let qkv = [
            input,
            self.w("self_attn.in_proj_weight"),
            self.w("self_attn.in_proj_bias"),
            &b.qkv,
        ];
        push(&k.matmul, 0, &qkv, matmul::plan(d, 3 * d, true));
        let attend = attention::plan(d, c.n_heads, self.l, c.max_len, c.causal);
        push(
            &k.attention,
            0,
            &[&b.qkv, &b.io.flags, &b.maps, &b.heads],
            attend,
        );
        self.end(push, "attention_out", d, [&b.heads, residual, output]);
    }

    /// `output` = `residual` + FF(`input`), normalised in a post-norm layer:
    /// act(input·W₁ᵀ + b₁)·W₂ᵀ + b₂.
    fn feed_forward(
        &self,
        push: &mut Push,
        input: &wgpu::Buffer,
        residual: &wgpu::Buffer,
        output: &wgpu::Buffer,
    ) {
        let (c, k, b) = (self.c, self.k, self.b);
        let act = match c.activation {
            CoreActivation::Relu => Activation::Relu,
            CoreActivation::Gelu => Activation::Gelu,
        } as usize;
        let first = [
            input,
            self.w("linear1.weight"),
            self.w("linear1.bias"),
            &b.ff,
        ];
        push(
            &k.matmul,
            act,
            &first,
            matmul::plan(c.d_model, c.d_ff, true),
        );
        self.end(push, "feed_forward_out", c.d_ff, [&b.ff, residual, output]);
    }
}
