//! Which engine runs a model: `auto` (the default), or the GPU or CPU engine forced by the
//! reader (the header's Engine menu, remembered in localStorage; `engine=` in any route's URL;
//! an embed's `engine` attribute).
//!
//! `auto` never lets a GPU make typing slower than the CPU: a software adapter (SwiftShader,
//! lavapipe — a CPU emulation of a GPU) is passed over at once, and on a hardware adapter the
//! loaded model runs once on each engine at the current length and the faster one answers,
//! measured again when the length changes a lot ([`AutoPick`]).

use super::EngineKind;
use crate::engine::backend::{Backend, SharedGpu};
use attnscope_gpu::GpuUnavailable;

/// The reader's engine choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineChoice {
    /// The faster engine for this model and length (a software adapter never runs).
    #[default]
    Auto,
    /// The GPU engine (the CPU, with a note, where WebGPU does not work).
    Gpu,
    /// The CPU reference, even where WebGPU works.
    Cpu,
}

/// Where the page keeps the reader's choice.
const STORAGE_KEY: &str = "attnscope-engine";

impl EngineChoice {
    /// `auto`, `gpu` or `cpu`.
    pub fn name(self) -> &'static str {
        match self {
            EngineChoice::Auto => "auto",
            EngineChoice::Gpu => "gpu",
            EngineChoice::Cpu => "cpu",
        }
    }

    /// Reads `auto`, `gpu` or `cpu` (blank is `auto`).
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "" | "auto" => Some(EngineChoice::Auto),
            "gpu" => Some(EngineChoice::Gpu),
            "cpu" => Some(EngineChoice::Cpu),
            _ => None,
        }
    }

    /// The page's choice: `engine=` in the URL's query, else the one the reader saved, else
    /// `auto`.
    pub fn for_page() -> Self {
        let from_url = crate::route::Location::current()
            .query
            .iter()
            .find(|(k, _)| k == "engine")
            .and_then(|(_, v)| Self::parse(v));
        // The URL wins over the saved choice, so a shared link runs on the engine it names.
        from_url.unwrap_or_else(Self::saved)
    }

    /// The choice the reader saved (`auto` if none): an embed's `auto` follows it.
    pub fn saved() -> Self {
        crate::dom::stored(STORAGE_KEY)
            .and_then(|v| Self::parse(&v))
            .unwrap_or_default()
    }

    /// Saves the reader's choice for later visits.
    pub fn save(self) {
        crate::dom::store(STORAGE_KEY, self.name());
    }

    /// What the engines are offered under this choice: the CPU for `cpu`, and for `auto` on
    /// a software adapter; the detected backend otherwise.
    pub fn offered(self, backend: Backend) -> Backend {
        match (self, backend) {
            (EngineChoice::Cpu, Backend::WebGpu(_)) => Backend::Cpu(GpuUnavailable::NotRequested),
            (EngineChoice::Auto, Backend::WebGpu(SharedGpu(gpu))) if gpu.adapter.software => {
                Backend::Cpu(GpuUnavailable::SoftwareAdapter(gpu.adapter.name.clone()))
            }
            // `gpu` is obeyed even on a software adapter; `Detecting` stays `Detecting`.
            (_, backend) => backend,
        }
    }
}

/// The page's choice ([`EngineChoice::for_page`]), read once when the view mounts: it changes
/// only with the URL's route (a new view) or the Engine menu (which reloads the page), and
/// reading it parses the whole URL, long text included, and localStorage.
#[yew::hook]
pub fn use_engine_choice() -> EngineChoice {
    *yew::use_memo((), |()| EngineChoice::for_page())
}

/// `auto`'s measurement on one model: both engines timed at `t` tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoPick {
    /// The length measured at.
    pub t: usize,
    /// The GPU engine's forward (ms).
    pub gpu_ms: f64,
    /// The CPU engine's forward (ms).
    pub cpu_ms: f64,
}

impl AutoPick {
    /// The faster engine.
    pub fn kind(&self) -> EngineKind {
        if self.gpu_ms <= self.cpu_ms {
            EngineKind::Gpu
        } else {
            EngineKind::Cpu
        }
    }

    /// Whether a forward of `t` tokens should measure again: the length has at least doubled
    /// or halved (and moved by 8 tokens or more) since the measurement.
    pub fn stale_at(&self, t: usize) -> bool {
        // The 8-token floor keeps short texts from measuring on every few keystrokes.
        let (a, b) = (self.t.max(1), t.max(1));
        a.abs_diff(b) >= 8 && (a >= 2 * b || b >= 2 * a)
    }

    /// The readout's reason: "auto: GPU 1.1 ms, CPU 8.4 ms at T = 40".
    pub fn reason(&self) -> String {
        format!(
            "auto: GPU {:.1} ms, CPU {:.1} ms at T = {}",
            self.gpu_ms, self.cpu_ms, self.t
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names() {
        for choice in [EngineChoice::Auto, EngineChoice::Gpu, EngineChoice::Cpu] {
            assert_eq!(EngineChoice::parse(choice.name()), Some(choice));
        }
        assert_eq!(EngineChoice::parse(" "), Some(EngineChoice::Auto));
        assert_eq!(EngineChoice::parse("GPU!"), None);
    }

    #[test]
    fn auto_picks_the_faster_and_measures_again_when_t_moves_a_lot() {
        let pick = AutoPick {
            t: 40,
            gpu_ms: 1.0,
            cpu_ms: 8.0,
        };
        assert_eq!(pick.kind(), EngineKind::Gpu);
        assert_eq!(
            AutoPick {
                cpu_ms: 0.5,
                ..pick
            }
            .kind(),
            EngineKind::Cpu
        );
        assert!(!pick.stale_at(40) && !pick.stale_at(70) && !pick.stale_at(21));
        assert!(pick.stale_at(80) && pick.stale_at(20));
        // Short texts: doubling from 3 to 6 tokens is not worth a measurement.
        assert!(!AutoPick { t: 3, ..pick }.stale_at(6));
    }
}
