//! Which compute backend the page uses, found once at start-up with wgpu.

use attnscope_gpu::{AdapterSummary, GpuContext, GpuUnavailable};
use std::rc::Rc;

/// The compute backend, as the status chip reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    /// Still asking the browser for an adapter.
    Detecting,
    /// The WebGPU engine runs on this adapter.
    WebGpu(SharedGpu),
    /// The CPU engine runs, for this reason.
    Cpu(GpuUnavailable),
}

/// The page's one GPU context, shared by every view (equal when it is the same context).
#[derive(Debug, Clone)]
pub struct SharedGpu(pub Rc<GpuContext>);

impl PartialEq for SharedGpu {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Backend {
    /// Requests the GPU context; never blocks, never fails (the CPU is the fallback).
    pub async fn detect() -> Self {
        match GpuContext::request().await {
            Ok(context) => Backend::WebGpu(SharedGpu(Rc::new(context))),
            Err(reason) => Backend::Cpu(reason),
        }
    }

    /// The chip's text: `WebGPU · <adapter>` or `CPU · WebGPU unavailable: <reason>`.
    pub fn label(&self) -> String {
        match self {
            Backend::Detecting => "Detecting compute backend…".to_owned(),
            Backend::WebGpu(gpu) => format!("WebGPU · {}", describe(&gpu.0.adapter)),
            Backend::Cpu(reason) => format!("CPU · WebGPU unavailable: {reason}"),
        }
    }

    /// A short machine-readable kind for `data-backend` (tests, styles).
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Detecting => "detecting",
            Backend::WebGpu(_) => "webgpu",
            Backend::Cpu(_) => "cpu",
        }
    }
}

fn describe(adapter: &AdapterSummary) -> String {
    if adapter.software && !adapter.name.contains("software") {
        format!("{} (software)", adapter.name)
    } else {
        adapter.name.clone()
    }
}

/// Installs `window.__attnscopeLoseGpu()`, which destroys the page's GPU device, so tests
/// (and a curious reader in the console) can watch the page fall back to the CPU engine.
pub fn install_lose_gpu_hook(gpu: &SharedGpu) {
    use wasm_bindgen::JsCast;
    let device = gpu.0.device.clone();
    let hook = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || device.destroy());
    let _ = js_sys::Reflect::set(
        &crate::dom::window(),
        &"__attnscopeLoseGpu".into(),
        hook.as_ref().unchecked_ref(),
    );
    hook.forget();
}
