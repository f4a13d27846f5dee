//! The engines behind the live views: a shipped model loaded once, run on the GPU engine when
//! WebGPU works, else on the CPU core in wasm. Both build the
//! same `Trace` (core's `Model::encode` / `Model::finish`).
//!
//! Data flow: a view's text and [`Interventions`] reach [`Engine::run`] through the live hook
//! ([`live::use_live_engine`]) and its queue ([`schedule`]); the [`Computed`] trace goes back
//! to the views. Nothing here draws, keeps results or decides which result is shown: the
//! schedule's job numbers do that.

pub mod backend;
pub mod catalog;
pub mod choice;
pub mod fetch;
pub mod latency;
pub mod live;
pub mod page;
pub mod schedule;
pub mod user;

use attnscope_core::config::ModelConfig;
use attnscope_core::weights::WeightStore;
use attnscope_core::{Interventions, Model, ModelFiles, Trace};
use attnscope_gpu::{GpuContext, GpuError, Loaded, Network as GpuNetwork};
use catalog::ModelInfo;
use std::cell::RefCell;
use std::rc::Rc;

/// Which engine computed a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// The WebGPU engine (`attnscope-gpu`).
    Gpu,
    /// The CPU reference (`attnscope-core`) in wasm.
    Cpu,
}

impl EngineKind {
    /// `gpu` or `cpu` (data attributes, the readout).
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Gpu => "gpu",
            EngineKind::Cpu => "cpu",
        }
    }
}

/// One forward's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// What the views draw.
    pub trace: Trace,
    /// The engine that ran it.
    pub engine: EngineKind,
    /// Wall time of the forward (tokenising included), in milliseconds.
    pub forward_ms: f64,
    /// GPU command submissions the forward made (0 on the CPU).
    pub submits: u64,
    /// Compute dispatches one GPU forward records (0 on the CPU).
    pub dispatches: usize,
    /// Why `auto` chose this engine (its measurement), when it chose.
    pub why: Option<String>,
}

/// Why a forward gave no trace.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The GPU device was lost; the caller switches to the CPU engine.
    #[error("the GPU device was lost ({0})")]
    DeviceLost(String),
    /// Anything else, worded for the user.
    #[error("{0}")]
    Failed(String),
}

/// A loaded model: the CPU core always, the GPU engine when it could be built.
pub struct Engine {
    /// The catalogue entry.
    pub info: &'static ModelInfo,
    /// The CPU reference (and the tokenizer both engines use).
    pub model: Model,
    /// The GPU engine while it works: `None` when no GPU was offered, it refused the model, or
    /// the device was lost ([`Engine::drop_gpu`]). An `Rc` so a forward holds the network across
    /// its awaits without keeping the `RefCell` borrowed.
    gpu: RefCell<Option<Rc<GpuNetwork>>>,
    /// The f32 weight bytes its GPU network uploaded (counted in [`gpu_live`] while it lives).
    gpu_bytes: u64,
    /// Why this model runs on the CPU although a GPU context was offered, if it does.
    pub gpu_note: Option<String>,
    /// Whether `engine=auto` chooses between the engines by measuring them.
    auto: bool,
    /// `auto`'s latest measurement.
    pick: std::cell::Cell<Option<choice::AutoPick>>,
}

thread_local! {
    /// (GPU networks alive, f32 weight bytes they uploaded) on this page; see [`gpu_live`].
    static GPU_LIVE: std::cell::Cell<(u32, u64)> = const { std::cell::Cell::new((0, 0)) };
}

/// GPU networks alive on the page and the weight bytes they hold on the GPU (for the soak
/// test: a model switch must release them).
pub fn gpu_live() -> (u32, u64) {
    GPU_LIVE.with(|c| c.get())
}

/// Counts one network of `bytes` in (`delta` = 1) or out (`delta` = -1) of [`gpu_live`];
/// both parts saturate at 0, so an unbalanced call cannot wrap the count.
fn count_gpu(delta: i64, bytes: u64) {
    GPU_LIVE.with(|c| {
        let (n, b) = c.get();
        let n = (n as i64 + delta).max(0) as u32;
        let b = if delta > 0 {
            b + bytes
        } else {
            b.saturating_sub(bytes)
        };
        c.set((n, b));
    });
}

/// Takes the GPU network out of [`gpu_live`]'s count when the model leaves the page.
impl Drop for Engine {
    fn drop(&mut self) {
        self.drop_gpu();
    }
}

/// The model's name and whether it has a GPU engine (no weights, no network).
impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("model", &self.info.name)
            .field("gpu", &self.gpu.borrow().is_some())
            .finish()
    }
}

/// Load progress: a stage to show and the fraction done (0..=1).
pub type Progress = dyn Fn(&str, f64);

impl Engine {
    /// Fetches the model folder, parses it and, given a GPU context, uploads it and compiles
    /// every pipeline (so no keystroke waits for a compile). Errors are worded for the user.
    /// With `auto`, each forward runs on the faster engine ([`choice::AutoPick`]).
    pub async fn load(
        info: &'static ModelInfo,
        gpu: Option<GpuContext>,
        auto: bool,
        progress: &Progress,
    ) -> Result<Self, String> {
        let (config, tokenizer, target_tokenizer, weights) = match user::folder(info.name) {
            // A brought folder is already in memory.
            Some(folder) => (
                folder.config.clone(),
                folder.tokenizer.clone(),
                None,
                folder.weights.clone(),
            ),
            None => Self::fetch_folder(info, progress).await?,
        };
        progress("Reading the weights", 0.86);
        let model = Model::from_files(ModelFiles {
            config: &config,
            weights: &weights,
            tokenizer: &tokenizer,
            target_tokenizer: target_tokenizer.as_deref(),
        })
        .map_err(|e| format!("{}: {e}", info.name))?;
        // A GPU that refuses the model (too large for its limits, a kernel that does not compile)
        // fails nothing: the model runs on the CPU and `gpu_note` tells the reader why.
        let (gpu, gpu_note) = match gpu {
            None => (None, None),
            Some(context) => {
                progress("Compiling the WebGPU kernels", 0.9);
                let store =
                    WeightStore::for_config(&weights, &model.config).map_err(|e| e.to_string())?;
                match GpuNetwork::load(&context, &model.config, &store).await {
                    Ok(network) => {
                        // Counted out by `drop_gpu`, which `Drop` calls.
                        count_gpu(1, store.f32_bytes());
                        (Some((Rc::new(network), store.f32_bytes())), None)
                    }
                    Err(why) => (
                        None,
                        Some(format!("the GPU engine refused the model: {why}")),
                    ),
                }
            }
        };
        progress("Ready", 1.0);
        let gpu_bytes = gpu.as_ref().map_or(0, |(_, bytes)| *bytes);
        Ok(Self {
            info,
            model,
            gpu: RefCell::new(gpu.map(|(network, _)| network)),
            gpu_bytes,
            gpu_note,
            auto,
            pick: std::cell::Cell::new(None),
        })
    }

    /// Fetches a shipped model's folder: config, tokenizer(s) and weights.
    async fn fetch_folder(
        info: &'static ModelInfo,
        progress: &Progress,
    ) -> Result<(String, String, Option<String>, fetch::SharedBytes), String> {
        let base = fetch::asset_url(&format!("assets/models/{}/", info.name));
        let file = |name: &str| format!("{base}{name}");
        // Each file's bytes move the bar across its own band `from..to` of the whole load; a
        // response without a length parks it mid-band.
        let part = |stage: &'static str, from: f64, to: f64| {
            move |got: u64, expected: u64| {
                let fraction = if expected > 0 {
                    (got as f64 / expected as f64).min(1.0)
                } else {
                    0.5
                };
                progress(stage, from + (to - from) * fraction)
            }
        };
        progress("Fetching config.json", 0.0);
        let config = fetch::fetch_text(
            &file("config.json"),
            &part("Fetching config.json", 0.0, 0.02),
        )
        .await?;
        // Only a translator has a target-language tokenizer. A config that does not parse is
        // not an error yet: `Model::from_files` reports it once everything has arrived.
        let translator = matches!(
            ModelConfig::from_json(&config),
            Ok(ModelConfig::Seq2SeqAttention(_))
        );
        // The tokenizers download while the weights do (`fetch_shared` downloads each file
        // once; the awaits below take the finished downloads).
        let tokenizers: &[&str] = if translator {
            &["tokenizer.json", "target_tokenizer.json"]
        } else {
            &["tokenizer.json"]
        };
        for name in tokenizers {
            let url = file(name);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = fetch::fetch_shared(&url, &|_, _| {}).await;
            });
        }
        let weights = fetch::fetch_shared(
            &file("model.safetensors"),
            &part("Fetching model.safetensors", 0.02, 0.83),
        )
        .await?;
        let tokenizer = fetch::fetch_text(
            &file("tokenizer.json"),
            &part("Fetching tokenizer.json", 0.83, 0.84),
        )
        .await?;
        let target_tokenizer = if translator {
            Some(
                fetch::fetch_text(
                    &file("target_tokenizer.json"),
                    &part("Fetching target_tokenizer.json", 0.84, 0.85),
                )
                .await?,
            )
        } else {
            None
        };
        Ok((config, tokenizer, target_tokenizer, weights))
    }

    /// The engine the next forward uses.
    pub fn kind(&self) -> EngineKind {
        if self.gpu.borrow().is_some() {
            EngineKind::Gpu
        } else {
            EngineKind::Cpu
        }
    }

    /// Drops the GPU engine (after a device loss): later forwards run on the CPU.
    pub fn drop_gpu(&self) {
        // `take`, so a second call (a loss, then `Drop`) counts nothing out.
        if self.gpu.borrow_mut().take().is_some() {
            count_gpu(-1, self.gpu_bytes);
        }
    }

    /// Tokenises and runs `text` with the interventions on the current engine — under `auto`,
    /// the faster one at this length, measuring both first when no measurement holds.
    pub async fn run(&self, text: &str, iv: &Interventions) -> Result<Computed, RunError> {
        let started = crate::dom::now_ms();
        let (trace, ids) = self.model.encode(text);
        // A teaching view's inspected head comes from the CPU reference, the specification
        // (the GPU engine keeps no intermediates), and so does a forward with the reader's
        // attention edits (the GPU kernels do not apply them).
        let gpu = match (iv.inspect, iv.edits.is_empty()) {
            (None, true) => self.gpu.borrow().clone(),
            _ => None,
        };
        // The submit counter is the page's one context's, shared by every network: the difference
        // below is this forward's unless another schedule (a second embed) submits meanwhile.
        let submitted = gpu.as_ref().map_or(0, |g| g.context().submits());
        let mut why = None;
        // A measuring forward's faster result is this keystroke's answer.
        let mut measured = None;
        // `auto` decides only when there is something to run, and reuses its measurement until
        // the length moves a lot ([`choice::AutoPick::stale_at`]).
        let gpu = match (&gpu, self.auto && !ids.is_empty()) {
            (Some(network), true) => {
                let pick = match self.pick.get() {
                    Some(pick) if !pick.stale_at(ids.len()) => pick,
                    _ => {
                        let (pick, faster) = self.measure(network, &trace, &ids, iv).await?;
                        self.pick.set(Some(pick));
                        measured = Some(faster);
                        pick
                    }
                };
                why = Some(pick.reason());
                // The CPU won: the GPU network stays loaded (a later measurement may pick it).
                gpu.filter(|_| pick.kind() == EngineKind::Gpu)
            }
            _ => gpu,
        };
        let engine = if gpu.is_some() {
            EngineKind::Gpu
        } else {
            EngineKind::Cpu
        };
        let dispatches = gpu.as_ref().map_or(0, |g| g.dispatches());
        // The measuring forward's trace, else the encoder's alone when there is nothing to run
        // (its message says why), else one forward on the engine chosen.
        let trace = if let Some(trace) = measured {
            trace
        } else if ids.is_empty() {
            trace
        } else if let Some(gpu) = &gpu {
            self.forward_gpu(gpu, trace, &ids, iv).await?
        } else {
            self.forward_cpu(trace, &ids, iv)?
        };
        Ok(Computed {
            trace,
            engine,
            forward_ms: crate::dom::now_ms() - started,
            submits: gpu
                .as_ref()
                .map_or(0, |g| g.context().submits() - submitted),
            dispatches,
            why,
        })
    }

    /// `auto`'s measurement: one forward on each engine at this length; the measurement and
    /// the faster engine's trace.
    async fn measure(
        &self,
        gpu: &GpuNetwork,
        trace: &Trace,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<(choice::AutoPick, Trace), RunError> {
        let started = crate::dom::now_ms();
        // Each time is the wall time a keystroke would see (the GPU's read-back included). Both
        // forwards answer the same request, so the faster one's trace is kept, not run again.
        let on_gpu = self.forward_gpu(gpu, trace.clone(), ids, iv).await?;
        let gpu_ms = crate::dom::now_ms() - started;
        let started = crate::dom::now_ms();
        let on_cpu = self.forward_cpu(trace.clone(), ids, iv)?;
        let cpu_ms = crate::dom::now_ms() - started;
        let pick = choice::AutoPick {
            t: ids.len(),
            gpu_ms,
            cpu_ms,
        };
        let faster = match pick.kind() {
            EngineKind::Gpu => on_gpu,
            EngineKind::Cpu => on_cpu,
        };
        Ok((pick, faster))
    }

    /// The GPU engine's forward, into `trace`.
    async fn forward_gpu(
        &self,
        gpu: &GpuNetwork,
        trace: Trace,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<Trace, RunError> {
        // A lost device is kept apart from other failures: the schedule drops the GPU engine and
        // runs the job again on the CPU.
        match gpu.forward(ids, iv).await {
            Ok(out) => Ok(self.model.finish(trace, out)),
            Err(GpuError::DeviceLost(reason)) => Err(RunError::DeviceLost(reason)),
            Err(other) => Err(RunError::Failed(other.to_string())),
        }
    }

    /// The CPU reference's forward, into `trace`.
    fn forward_cpu(
        &self,
        trace: Trace,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<Trace, RunError> {
        let output = self
            .model
            .network
            .forward(ids, iv)
            .map_err(|e| RunError::Failed(e.to_string()))?;
        Ok(self.model.finish(trace, output))
    }
}
